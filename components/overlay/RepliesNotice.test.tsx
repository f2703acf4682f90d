// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RepliesNotice } from './RepliesNotice';
import { translate } from './testing';

afterEach(() => {
  cleanup();
  document.body.innerHTML = '';
});

async function violations() {
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(', ')}`);
}

describe('RepliesNotice', () => {
  it('is an empty polite live region while there is nothing to say', () => {
    render(<RepliesNotice t={translate} request={null} onRead={vi.fn()} onLater={vi.fn()} />);
    const region = screen.getByRole('status');
    expect(region.textContent).toBe('');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('says which request support answered, in the live region, without taking focus', async () => {
    const field = document.createElement('input');
    field.setAttribute('aria-label', 'Subject');
    document.body.append(field);
    field.focus();
    const { rerender } = render(<RepliesNotice t={translate} request={null} onRead={vi.fn()} onLater={vi.fn()} />);
    rerender(<RepliesNotice t={translate} request={{ kind: 'question', description: 'Where do I log a call?\nI looked everywhere.' }} onRead={vi.fn()} onLater={vi.fn()} />);
    expect(screen.getByRole('status').textContent).toContain('Support answered your question: ‘Where do I log a call?’');
    expect(document.activeElement).toBe(field);
    expect(await violations()).toEqual([]);
  });

  it('names the kind of request', () => {
    render(<RepliesNotice t={translate} request={{ kind: 'problem', description: 'Save does nothing' }} onRead={vi.fn()} onLater={vi.fn()} />);
    expect(screen.getByText('Support answered your problem report: ‘Save does nothing’')).toBeTruthy();
  });

  it('shows a hostile description as text', () => {
    const hostile = '<img src=x onerror="alert(1)">Hi';
    render(<RepliesNotice t={translate} request={{ kind: 'idea', description: hostile }} onRead={vi.fn()} onLater={vi.fn()} />);
    expect(screen.getByRole('status').querySelector('img')).toBeNull();
    expect(screen.getByRole('status').textContent).toContain(hostile);
  });

  it('reads or puts off from the keyboard', async () => {
    const user = userEvent.setup();
    const onRead = vi.fn();
    const onLater = vi.fn();
    render(<RepliesNotice t={translate} request={{ kind: 'question', description: 'Where?' }} onRead={onRead} onLater={onLater} />);
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Later' }));
    await user.keyboard('{Enter}');
    expect(onLater).toHaveBeenCalledTimes(1);
    await user.tab();
    const read = screen.getByRole('button', { name: 'Read' });
    expect(document.activeElement).toBe(read);
    // Focused on its own, "Read" says what it reads.
    expect(document.getElementById(read.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Support answered your question: ‘Where?’');
    await user.keyboard(' ');
    expect(onRead).toHaveBeenCalledTimes(1);
  });
});
