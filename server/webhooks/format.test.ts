/**
 * Webhook bodies: the events their builders make (titles, excerpts, limits), and each format
 * checked against the target's documented shape (Slack Block Kit limits, a Teams message with an
 * Adaptive Card 1.4), with snapshots of the exact bodies and hostile text kept inert.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configFromEnv } from '../config';
import { truncate } from '../store/text';
import {
  requestTitle,
  supportReplyCreated,
  supportRequestCreated,
  WebhookEventSchema,
  type WebhookEvent,
  type WebhookEventInput,
} from './events';
import { escapeSlack, formatWebhookBody, inboxLink, slackMessage, teamsMessage } from './format';

const ORG = 'org-1';
const AT = '2030-01-01T08:00:00.000Z';
const REQUEST_ID = '7f1c1a52-3c2e-4d55-9d3e-0a4b8c1d2e3f';
const REPLY_ID = '0b5e2c1d-8a7f-4e3b-9c6d-5f4a3b2c1d0e';
const PUBLIC_URL = 'https://ombord.example.com';
const LINK = `${PUBLIC_URL}/inbox/#/requests/${REQUEST_ID}`;

const stamp = (input: WebhookEventInput): WebhookEvent => WebhookEventSchema.parse({ ...input, organisationId: ORG, occurredAt: AT });

function requestEvent(patch: Partial<Parameters<typeof supportRequestCreated>[0]> = {}) {
  return stamp(
    supportRequestCreated({
      requestId: REQUEST_ID,
      kind: 'problem',
      description: 'The Save button does nothing\nI clicked it three times.',
      requesterDisplayName: 'Ann Example',
      crm: { crm: 'salesforce', pageType: 'record_edit', object: 'Opportunity' },
      team: 'north',
      createdAt: AT,
      ...patch,
    }),
  );
}

function replyEvent(patch: Partial<Parameters<typeof supportReplyCreated>[0]> = {}) {
  return stamp(
    supportReplyCreated({
      requestId: REQUEST_ID,
      requestDescription: 'The Save button does nothing\nI clicked it three times.',
      replyId: REPLY_ID,
      author: { displayName: 'Sam from support', role: 'support' },
      body: 'Fixed: the validation rule was off.\nTry again?',
      status: 'answered',
      ...patch,
    }),
  );
}

// The targets' documented shapes, as far as these messages use them ------------------------------

const SlackText = z.union([
  z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(3000), emoji: z.boolean().optional() }),
  z.strictObject({ type: z.literal('mrkdwn'), text: z.string().min(1).max(3000), verbatim: z.boolean().optional() }),
]);
/** Slack incoming webhook: `text` (the notification fallback) and Block Kit `blocks`. */
const SlackMessageSchema = z.strictObject({
  text: z.string().min(1).max(40_000),
  blocks: z
    .array(
      z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('header'), text: z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(150) }) }),
        z.strictObject({
          type: z.literal('section'),
          text: SlackText,
          fields: z.array(SlackText.refine((field) => field.text.length <= 2000)).min(1).max(10).optional(),
        }),
        z.strictObject({
          type: z.literal('actions'),
          elements: z
            .array(
              z.strictObject({
                type: z.literal('button'),
                action_id: z.string().max(255),
                text: z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(75) }),
                url: z.url().max(3000),
                style: z.enum(['primary', 'danger']).optional(),
              }),
            )
            .min(1)
            .max(25),
        }),
      ]),
    )
    .min(1)
    .max(50),
});

const TextRun = z.strictObject({ type: z.literal('TextRun'), text: z.string(), weight: z.enum(['Default', 'Lighter', 'Bolder']).optional(), italic: z.boolean().optional() });
const CardElement = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('TextBlock'),
    text: z.string().min(1),
    wrap: z.boolean().optional(),
    weight: z.enum(['Default', 'Lighter', 'Bolder']).optional(),
    size: z.enum(['Default', 'Small', 'Medium', 'Large', 'ExtraLarge']).optional(),
    isSubtle: z.boolean().optional(),
    spacing: z.enum(['None', 'Small', 'Default', 'Medium', 'Large', 'ExtraLarge', 'Padding']).optional(),
  }),
  z.strictObject({
    type: z.literal('RichTextBlock'),
    inlines: z.array(TextRun).min(1),
    spacing: z.enum(['None', 'Small', 'Default', 'Medium', 'Large', 'ExtraLarge', 'Padding']).optional(),
  }),
]);
/** Teams (Workflows or incoming webhook): a `message` activity with one Adaptive Card attachment. */
const TeamsMessageSchema = z.strictObject({
  type: z.literal('message'),
  attachments: z
    .array(
      z.strictObject({
        contentType: z.literal('application/vnd.microsoft.card.adaptive'),
        contentUrl: z.null(),
        content: z.strictObject({
          type: z.literal('AdaptiveCard'),
          $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json'),
          version: z.literal('1.4'),
          body: z.array(CardElement).min(1),
          actions: z.array(z.strictObject({ type: z.literal('Action.OpenUrl'), title: z.string().min(1), url: z.url() })).min(1),
        }),
      }),
    )
    .length(1),
});

const slackTexts = (message: z.infer<typeof SlackMessageSchema>) =>
  message.blocks.flatMap((block) => (block.type === 'section' ? [block.text.text, ...(block.fields ?? []).map((field) => field.text)] : []));
const cardElements = (message: z.infer<typeof TeamsMessageSchema>) => message.attachments.flatMap((attachment) => attachment.content.body);

describe('webhook events', () => {
  it('titles a request by the first non-blank line of its description, at most 200 characters', () => {
    expect(requestTitle('\n  \r\n  First line  \nsecond')).toBe('First line');
    expect(requestTitle('   ')).toBe('(no description)');
    const long = requestTitle('x'.repeat(300));
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
  });

  it('cuts text without splitting a surrogate pair', () => {
    const cut = truncate(`${'a'.repeat(8)}😀😀`, 10);
    expect(cut).toBe(`${'a'.repeat(8)}…`);
    expect(cut.length).toBeLessThanOrEqual(10);
    expect(truncate('short', 10)).toBe('short');
  });

  it('carries an excerpt of a reply, never the whole of a long one', () => {
    const event = replyEvent({ body: `  ${'y'.repeat(2000)}  ` });
    expect(event.type === 'support.reply.created' && event.data.excerpt).toHaveLength(500);
  });

  it('holds labels and ids only: no description beyond the title, no context, no screenshot', () => {
    const event = requestEvent();
    expect(Object.keys(event.data).sort()).toEqual(['createdAt', 'crm', 'kind', 'object', 'pageType', 'requestId', 'requester', 'team', 'title']);
    expect(JSON.stringify(event)).not.toContain('three times');
    // The schema is strict: a builder that slipped in a field value would be refused.
    expect(WebhookEventSchema.safeParse({ ...event, data: { ...event.data, recordFields: { Amount: 1 } } }).success).toBe(false);
  });
});

describe('webhook formats', () => {
  it('links to the request in the inbox under PUBLIC_URL', () => {
    expect(inboxLink(`${PUBLIC_URL}/`, REQUEST_ID)).toBe(LINK);
    expect(inboxLink('http://127.0.0.1:8787', REQUEST_ID)).toBe(`http://127.0.0.1:8787/inbox/#/requests/${REQUEST_ID}`);
  });

  it('reads PUBLIC_URL from the environment, defaulting to this machine and PORT', () => {
    expect(configFromEnv({}).publicUrl).toBe('http://127.0.0.1:8787');
    expect(configFromEnv({ PORT: '9000' }).publicUrl).toBe('http://127.0.0.1:9000');
    expect(configFromEnv({ PUBLIC_URL: ' https://ombord.example.com/ ' }).publicUrl).toBe('https://ombord.example.com');
    expect(configFromEnv({ PUBLIC_URL: 'https://crm.example.com/ombord/' }).publicUrl).toBe('https://crm.example.com/ombord');
    for (const wrong of ['ombord.example.com', 'ftp://ombord.example.com', 'https://ombord.example.com/?x=1', `https://ombord.example.com/${'p'.repeat(500)}`]) {
      expect(() => configFromEnv({ PUBLIC_URL: wrong }), wrong).toThrow(/^PUBLIC_URL must be the http\(s\) address/);
    }
  });

  it('json: the event itself, with the inbox link', () => {
    const event = requestEvent();
    expect(JSON.parse(formatWebhookBody('json', event, PUBLIC_URL))).toEqual({ ...event, inboxUrl: LINK });
  });

  it('slack: a new request', () => {
    const message = SlackMessageSchema.parse(JSON.parse(formatWebhookBody('slack', requestEvent(), PUBLIC_URL)));
    expect(message).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "text": "New problem",
              "type": "plain_text",
            },
            "type": "header",
          },
          {
            "fields": [
              {
                "text": "*From*
      Ann Example",
                "type": "mrkdwn",
                "verbatim": true,
              },
              {
                "text": "*Where*
      Salesforce · Record edit · Opportunity",
                "type": "mrkdwn",
                "verbatim": true,
              },
              {
                "text": "*Routed to*
      Champions of north",
                "type": "mrkdwn",
                "verbatim": true,
              },
            ],
            "text": {
              "text": "*<https://ombord.example.com/inbox/#/requests/7f1c1a52-3c2e-4d55-9d3e-0a4b8c1d2e3f|The Save button does nothing>*",
              "type": "mrkdwn",
              "verbatim": true,
            },
            "type": "section",
          },
          {
            "elements": [
              {
                "action_id": "open_in_inbox",
                "style": "primary",
                "text": {
                  "text": "Open in inbox",
                  "type": "plain_text",
                },
                "type": "button",
                "url": "https://ombord.example.com/inbox/#/requests/7f1c1a52-3c2e-4d55-9d3e-0a4b8c1d2e3f",
              },
            ],
            "type": "actions",
          },
        ],
        "text": "New support request (problem) from Ann Example: The Save button does nothing",
      }
    `);
  });

  it('slack: a reply, quoted line by line', () => {
    const message = SlackMessageSchema.parse(JSON.parse(formatWebhookBody('slack', replyEvent(), PUBLIC_URL)));
    expect(message).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "text": "New reply",
              "type": "plain_text",
            },
            "type": "header",
          },
          {
            "fields": [
              {
                "text": "*From*
      Sam from support (support)",
                "type": "mrkdwn",
                "verbatim": true,
              },
              {
                "text": "*Status*
      Answered",
                "type": "mrkdwn",
                "verbatim": true,
              },
            ],
            "text": {
              "text": "*<https://ombord.example.com/inbox/#/requests/7f1c1a52-3c2e-4d55-9d3e-0a4b8c1d2e3f|The Save button does nothing>*",
              "type": "mrkdwn",
              "verbatim": true,
            },
            "type": "section",
          },
          {
            "text": {
              "text": ">Fixed: the validation rule was off.
      >Try again?",
              "type": "mrkdwn",
              "verbatim": true,
            },
            "type": "section",
          },
          {
            "elements": [
              {
                "action_id": "open_in_inbox",
                "style": "primary",
                "text": {
                  "text": "Open in inbox",
                  "type": "plain_text",
                },
                "type": "button",
                "url": "https://ombord.example.com/inbox/#/requests/7f1c1a52-3c2e-4d55-9d3e-0a4b8c1d2e3f",
              },
            ],
            "type": "actions",
          },
        ],
        "text": "New reply from Sam from support (support) on "The Save button does nothing"",
      }
    `);
  });

  it('teams: a new request', () => {
    const message = TeamsMessageSchema.parse(JSON.parse(formatWebhookBody('teams', requestEvent({ team: null, crm: { crm: 'dynamics', pageType: 'list_view', object: null } }), PUBLIC_URL)));
    expect(message).toMatchInlineSnapshot(`
      {
        "attachments": [
          {
            "content": {
              "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
              "actions": [
                {
                  "title": "Open in inbox",
                  "type": "Action.OpenUrl",
                  "url": "https://ombord.example.com/inbox/#/requests/7f1c1a52-3c2e-4d55-9d3e-0a4b8c1d2e3f",
                },
              ],
              "body": [
                {
                  "size": "Medium",
                  "text": "New problem",
                  "type": "TextBlock",
                  "weight": "Bolder",
                  "wrap": true,
                },
                {
                  "inlines": [
                    {
                      "text": "The Save button does nothing",
                      "type": "TextRun",
                      "weight": "Bolder",
                    },
                  ],
                  "type": "RichTextBlock",
                },
                {
                  "inlines": [
                    {
                      "text": "From: ",
                      "type": "TextRun",
                      "weight": "Bolder",
                    },
                    {
                      "text": "Ann Example",
                      "type": "TextRun",
                    },
                  ],
                  "spacing": "Small",
                  "type": "RichTextBlock",
                },
                {
                  "inlines": [
                    {
                      "text": "Where: ",
                      "type": "TextRun",
                      "weight": "Bolder",
                    },
                    {
                      "text": "Dynamics 365 · List view",
                      "type": "TextRun",
                    },
                  ],
                  "spacing": "Small",
                  "type": "RichTextBlock",
                },
                {
                  "inlines": [
                    {
                      "text": "Routed to: ",
                      "type": "TextRun",
                      "weight": "Bolder",
                    },
                    {
                      "text": "Central CRM team",
                      "type": "TextRun",
                    },
                  ],
                  "spacing": "Small",
                  "type": "RichTextBlock",
                },
              ],
              "type": "AdaptiveCard",
              "version": "1.4",
            },
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
          },
        ],
        "type": "message",
      }
    `);
  });

  it('teams: a reply', () => {
    const message = TeamsMessageSchema.parse(JSON.parse(formatWebhookBody('teams', replyEvent({ author: { displayName: 'Ann Example', role: 'user' }, body: 'It still does nothing.\nSame page.', status: 'in_progress' }), PUBLIC_URL)));
    expect(message).toMatchInlineSnapshot(`
      {
        "attachments": [
          {
            "content": {
              "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
              "actions": [
                {
                  "title": "Open in inbox",
                  "type": "Action.OpenUrl",
                  "url": "https://ombord.example.com/inbox/#/requests/7f1c1a52-3c2e-4d55-9d3e-0a4b8c1d2e3f",
                },
              ],
              "body": [
                {
                  "size": "Medium",
                  "text": "New reply",
                  "type": "TextBlock",
                  "weight": "Bolder",
                  "wrap": true,
                },
                {
                  "inlines": [
                    {
                      "text": "Ann Example (requester)",
                      "type": "TextRun",
                      "weight": "Bolder",
                    },
                    {
                      "text": " on ",
                      "type": "TextRun",
                    },
                    {
                      "italic": true,
                      "text": "The Save button does nothing",
                      "type": "TextRun",
                    },
                  ],
                  "type": "RichTextBlock",
                },
                {
                  "inlines": [
                    {
                      "text": "It still does nothing.
      Same page.",
                      "type": "TextRun",
                    },
                  ],
                  "type": "RichTextBlock",
                },
                {
                  "inlines": [
                    {
                      "text": "Status: ",
                      "type": "TextRun",
                      "weight": "Bolder",
                    },
                    {
                      "text": "In progress",
                      "type": "TextRun",
                    },
                  ],
                  "spacing": "Small",
                  "type": "RichTextBlock",
                },
              ],
              "type": "AdaptiveCard",
              "version": "1.4",
            },
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
          },
        ],
        "type": "message",
      }
    `);
  });

  const hostile = '<!channel> & <https://evil.example|click here> [click](https://evil.example) **bold** _it_ {{DATE(2030-01-01T00:00:00Z)}}';

  it('slack: what people wrote cannot mention, link or break out of the markup', () => {
    for (const event of [
      requestEvent({ description: hostile, requesterDisplayName: hostile, team: hostile, crm: { crm: 'salesforce', pageType: 'record_view', object: hostile } }),
      replyEvent({ requestDescription: hostile, body: `${hostile}\n${hostile}`, author: { displayName: hostile, role: 'champion' } }),
    ]) {
      const message = SlackMessageSchema.parse(slackMessage(event, LINK));
      for (const text of [message.text, ...slackTexts(message)]) {
        expect(text).not.toContain('<!channel>');
        expect(text).not.toContain('<https://evil');
        // Every `<` left is this module's own link to the inbox.
        expect(text.split('<').length - 1).toBe(text.split(`<${LINK}|`).length - 1);
      }
      expect(JSON.stringify(message)).toContain(escapeSlack('<!channel> & <https://evil.example|click here>'));
    }
  });

  it('teams: what people wrote goes only into plain TextRuns, never into Markdown TextBlocks', () => {
    for (const event of [
      requestEvent({ description: hostile, requesterDisplayName: hostile, team: hostile }),
      replyEvent({ requestDescription: hostile, body: hostile, author: { displayName: hostile, role: 'admin' } }),
    ]) {
      const elements = cardElements(TeamsMessageSchema.parse(teamsMessage(event, LINK)));
      for (const element of elements) {
        if (element.type === 'TextBlock') expect(['New problem', 'New reply']).toContain(element.text);
      }
      const runs = elements.flatMap((element) => (element.type === 'RichTextBlock' ? element.inlines.map((inline) => inline.text) : []));
      expect(runs.some((text) => text.includes(hostile))).toBe(true);
    }
  });

  it('stays within every documented limit at the events’ own limits, even when escaping multiplies them', () => {
    const worst = '&'.repeat(5000);
    const events = [
      requestEvent({ description: worst, requesterDisplayName: worst, team: worst, crm: { crm: 'dynamics', pageType: 'record_view', object: worst } }),
      replyEvent({ requestDescription: worst, body: worst, author: { displayName: worst, role: 'support' } }),
      replyEvent({ body: '&\n'.repeat(400) }),
      replyEvent({ body: '' }),
    ];
    const longPublicUrl = `https://ombord.example.com/${'p'.repeat(470)}`;
    for (const event of events) {
      expect(() => SlackMessageSchema.parse(JSON.parse(formatWebhookBody('slack', event, longPublicUrl)))).not.toThrow();
      expect(() => TeamsMessageSchema.parse(JSON.parse(formatWebhookBody('teams', event, longPublicUrl)))).not.toThrow();
    }
  });

  it('slack and teams: an empty display name still makes a valid message', () => {
    const event = requestEvent({ requesterDisplayName: '   ' });
    expect(() => SlackMessageSchema.parse(slackMessage(event, LINK))).not.toThrow();
    expect(() => TeamsMessageSchema.parse(teamsMessage(event, LINK))).not.toThrow();
  });
});
