// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useReturnFocus } from './focus';

afterEach(() => {
  cleanup();
  document.body.innerHTML = '';
});

function Card({ fallback }: { fallback?: () => Element | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useReturnFocus(ref, fallback);
  return (
    <div ref={ref}>
      <button type="button">Inside</button>
    </div>
  );
}

function focusedButton(name: string): HTMLButtonElement {
  const button = document.createElement('button');
  button.textContent = name;
  document.body.append(button);
  button.focus();
  return button;
}

describe('useReturnFocus', () => {
  it('gives focus back to what had it before', () => {
    const opener = focusedButton('Opener');
    const view = render(<Card />);
    view.container.querySelector('button')?.focus();
    view.unmount();
    expect(document.activeElement).toBe(opener);
  });

  it('gives focus to the fallback when what had it is gone', () => {
    const opener = focusedButton('Opener');
    const launcher = focusedButton('Launcher');
    opener.focus();
    const view = render(<Card fallback={() => launcher} />);
    view.container.querySelector('button')?.focus();
    opener.remove();
    view.unmount();
    expect(document.activeElement).toBe(launcher);
  });

  it('leaves focus alone when the user has moved on', () => {
    const opener = focusedButton('Opener');
    const view = render(<Card fallback={() => opener} />);
    const elsewhere = focusedButton('In the CRM');
    view.unmount();
    expect(document.activeElement).toBe(elsewhere);
  });
});
