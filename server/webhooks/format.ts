/**
 * Turns an event into the body a receiver expects: a Slack incoming-webhook message (Block Kit),
 * a Microsoft Teams message with an Adaptive Card (Workflows "post to a channel when a webhook
 * request is received", or a classic incoming webhook), or the event itself as JSON. Text people
 * wrote is escaped for Slack's mrkdwn and goes into the card only as plain `TextRun`s.
 */
import { z } from 'zod';
import type { SupportAuthorRole, SupportKind, SupportStatus } from '../../lib/api';
import type { CrmContext } from '../../lib/crm/context';
import type { SupportRequestCreated, WebhookEvent } from './events';

export const WEBHOOK_FORMATS = ['slack', 'teams', 'json'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export const WebhookFormatSchema = z.enum(WEBHOOK_FORMATS);

/** Where the request opens in the staff inbox. */
export function inboxLink(publicUrl: string, requestId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/inbox/#/requests/${encodeURIComponent(requestId)}`;
}

/** The body of one delivery, as sent (and signed). */
export function formatWebhookBody(format: WebhookFormat, event: WebhookEvent, publicUrl: string): string {
  const link = inboxLink(publicUrl, event.data.requestId);
  const body = format === 'slack' ? slackMessage(event, link) : format === 'teams' ? teamsMessage(event, link) : jsonMessage(event, link);
  return JSON.stringify(body);
}

/** `json`: the event as stored, with the inbox link next to it. */
export function jsonMessage(event: WebhookEvent, link: string): WebhookEvent & { inboxUrl: string } {
  return { ...event, inboxUrl: link };
}

// Slack ----------------------------------------------------------------------------------------

type SlackText = { type: 'plain_text'; text: string } | { type: 'mrkdwn'; text: string; verbatim: true };
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text: SlackText; fields?: SlackText[] }
  | { type: 'actions'; elements: Array<{ type: 'button'; action_id: string; text: { type: 'plain_text'; text: string }; url: string; style: 'primary' }> };
export interface SlackMessage {
  /** Shown in notifications and where blocks cannot be. */
  text: string;
  blocks: SlackBlock[];
}

/**
 * Slack's limits are 3000 characters for a section's text, 2000 for a field and 150 for a
 * header; the events' own limits (title 200, names 320, excerpt 500, even escaped five times
 * over) and `PUBLIC_URL`'s (500) keep every text object below them.
 *
 * `&`, `<` and `>` are mrkdwn's control characters: escaped, a user's `<!channel>` or
 * `<https://…|link>` stays text. `verbatim` on the text objects stops Slack from turning bare
 * names and URLs into mentions and links.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const mrkdwn = (text: string): SlackText => ({ type: 'mrkdwn', text, verbatim: true });
const slackField = (label: string, value: string): SlackText => mrkdwn(`*${label}*\n${escapeSlack(value)}`);
const slackButton = (link: string): SlackBlock => ({
  type: 'actions',
  elements: [{ type: 'button', action_id: 'open_in_inbox', text: { type: 'plain_text', text: 'Open in inbox' }, url: link, style: 'primary' }],
});

export function slackMessage(event: WebhookEvent, link: string): SlackMessage {
  if (event.type === 'support.request.created') {
    const data = event.data;
    const from = orDash(data.requester.displayName);
    return {
      text: escapeSlack(`New support request (${KIND_LABELS[data.kind].toLowerCase()}) from ${from}: ${data.title}`),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `New ${KIND_LABELS[data.kind].toLowerCase()}` } },
        {
          type: 'section',
          text: mrkdwn(`*<${link}|${escapeSlack(data.title)}>*`),
          fields: [
            slackField('From', from),
            slackField('Where', where(data)),
            slackField('Routed to', routedTo(data)),
          ],
        },
        slackButton(link),
      ],
    };
  }
  const data = event.data;
  const author = `${orDash(data.author.displayName)} (${ROLE_LABELS[data.author.role]})`;
  const quoted = escapeSlack(data.excerpt).split(/\r\n|\n|\r/).map((line) => `>${line}`).join('\n');
  return {
    text: escapeSlack(`New reply from ${author} on "${data.requestTitle}"`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'New reply' } },
      {
        type: 'section',
        text: mrkdwn(`*<${link}|${escapeSlack(data.requestTitle)}>*`),
        fields: [slackField('From', author), slackField('Status', STATUS_LABELS[data.status])],
      },
      ...(data.excerpt === '' ? [] : [{ type: 'section', text: mrkdwn(quoted) } satisfies SlackBlock]),
      slackButton(link),
    ],
  };
}

// Microsoft Teams ------------------------------------------------------------------------------

export type CardElement =
  | { type: 'TextBlock'; text: string; wrap: true; weight?: 'Bolder'; size?: 'Medium'; isSubtle?: true; spacing?: 'None' }
  | { type: 'RichTextBlock'; inlines: TextRun[]; spacing?: 'Small' };
interface TextRun {
  type: 'TextRun';
  text: string;
  weight?: 'Bolder';
  italic?: true;
}
export interface TeamsMessage {
  type: 'message';
  attachments: Array<{
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: {
      type: 'AdaptiveCard';
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
      version: '1.4';
      body: CardElement[];
      actions: Array<{ type: 'Action.OpenUrl'; title: string; url: string }>;
    };
  }>;
}

/**
 * Teams renders Markdown in `TextBlock` and fact texts, but not in a `RichTextBlock`'s
 * `TextRun`s: what people wrote goes only into those, so `[click](…)` or `**` stay text. The
 * `TextBlock`s hold only this module's own words.
 */
const run = (text: string, style: Omit<TextRun, 'type' | 'text'> = {}): TextRun => ({ type: 'TextRun', text, ...style });
const factLine = (label: string, value: string): CardElement => ({
  type: 'RichTextBlock',
  spacing: 'Small',
  inlines: [run(`${label}: `, { weight: 'Bolder' }), run(value)],
});

export function teamsMessage(event: WebhookEvent, link: string): TeamsMessage {
  let body: CardElement[];
  if (event.type === 'support.request.created') {
    const data = event.data;
    body = [
      { type: 'TextBlock', text: `New ${KIND_LABELS[data.kind].toLowerCase()}`, wrap: true, weight: 'Bolder', size: 'Medium' },
      { type: 'RichTextBlock', inlines: [run(data.title, { weight: 'Bolder' })] },
      factLine('From', orDash(data.requester.displayName)),
      factLine('Where', where(data)),
      factLine('Routed to', routedTo(data)),
    ];
  } else {
    const data = event.data;
    body = [
      { type: 'TextBlock', text: 'New reply', wrap: true, weight: 'Bolder', size: 'Medium' },
      {
        type: 'RichTextBlock',
        inlines: [run(`${orDash(data.author.displayName)} (${ROLE_LABELS[data.author.role]})`, { weight: 'Bolder' }), run(' on '), run(data.requestTitle, { italic: true })],
      },
      ...(data.excerpt === '' ? [] : [{ type: 'RichTextBlock', inlines: [run(data.excerpt)] } satisfies CardElement]),
      factLine('Status', STATUS_LABELS[data.status]),
    ];
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          type: 'AdaptiveCard',
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          version: '1.4',
          body,
          actions: [{ type: 'Action.OpenUrl', title: 'Open in inbox', url: link }],
        },
      },
    ],
  };
}

// Words ----------------------------------------------------------------------------------------

const KIND_LABELS: Record<SupportKind, string> = { question: 'Question', problem: 'Problem', idea: 'Idea' };
const ROLE_LABELS: Record<SupportAuthorRole, string> = { support: 'support', champion: 'champion', admin: 'admin', user: 'requester' };
const STATUS_LABELS: Record<SupportStatus, string> = {
  new: 'New',
  in_progress: 'In progress',
  waiting_for_user: 'Waiting for the requester',
  answered: 'Answered',
  closed: 'Closed',
};
const CRM_LABELS: Record<CrmContext['crm'], string> = { salesforce: 'Salesforce', dynamics: 'Dynamics 365' };

function where(data: SupportRequestCreated): string {
  const page = data.pageType.replace(/_/g, ' ');
  return [CRM_LABELS[data.crm], page.charAt(0).toUpperCase() + page.slice(1), data.object].filter((part) => part !== null).join(' · ');
}

function routedTo(data: SupportRequestCreated): string {
  return data.team === null ? 'Central CRM team' : `Champions of ${data.team}`;
}

/** Slack refuses empty text objects; a name can be empty. */
function orDash(text: string): string {
  return text.trim() === '' ? '-' : text;
}
