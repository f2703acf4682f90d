/** The inbox page's entry: mounts the app into `#root` with the browser's storage and language. */
import './zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './inbox.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App storage={storageOrNull()} browserLanguage={navigator.language} />
  </StrictMode>,
);

/** `localStorage`, or null where reading the property itself throws (storage blocked by policy). */
function storageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
