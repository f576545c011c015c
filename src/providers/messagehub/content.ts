/**
 * What a message says: "contentType: text (default), template, media", plus Kakao's `brandmessage`
 * (the doc's "Brand Message - Marketing (replaced FriendTalk, Dec 2025)"). Fields that belong to another
 * content type are refused rather than ignored, so a mistyped request is never sent as something else.
 */
import type { Channel } from './channels.js';
import { HubCode, hubError } from './errors.js';
import { renderTemplate } from './templates.js';
import type { TemplateFixture } from './fixtures.js';

export const CONTENT_TYPES = ['text', 'template', 'media', 'brandmessage'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export interface ContentInput {
  contentType?: ContentType;
  content?: string;
  templateId?: string;
  templateParams?: Record<string, string>;
  mediaUrl?: string;
}

/** Checked content: what the request asked for, and the text that reaches the recipient. */
export interface PreparedContent {
  contentType: ContentType;
  content?: string;
  templateId?: string;
  templateParams?: Record<string, string>;
  mediaUrl?: string;
  text: string;
}

const FIELDS = ['content', 'templateId', 'templateParams', 'mediaUrl'] as const;
type Field = (typeof FIELDS)[number];

const RULES: Record<ContentType, { required: Field[]; allowed: Field[] }> = {
  text: { required: ['content'], allowed: ['content'] },
  template: { required: ['templateId'], allowed: ['templateId', 'templateParams'] },
  media: { required: ['mediaUrl'], allowed: ['mediaUrl', 'content'] },
  brandmessage: { required: ['content'], allowed: ['content'] },
};

/** Checks the content on its own (any channel); `prefix` names the item in batch errors ("messages[2]."). */
export function prepareContent(input: ContentInput, prefix = ''): PreparedContent & { template?: TemplateFixture } {
  const contentType = input.contentType ?? 'text';
  const rule = RULES[contentType];
  for (const field of rule.required) {
    if (input[field] === undefined)
      throw hubError.invalid(HubCode.validationError, `${field} is required when contentType is ${contentType}`, `${prefix}${field}`);
  }
  for (const field of FIELDS) {
    if (input[field] !== undefined && !rule.allowed.includes(field)) {
      throw hubError.invalid(HubCode.validationError, `${field} is not used with contentType ${contentType}`, `${prefix}${field}`, input[field]);
    }
  }
  const base = { contentType, content: input.content, mediaUrl: input.mediaUrl };
  switch (contentType) {
    case 'template': {
      const params = input.templateParams ?? {};
      const { template, text } = renderTemplate(input.templateId!, params, prefix);
      return { ...base, templateId: template.templateId, templateParams: params, text, template };
    }
    case 'media':
      // A caption, when given, travels with the media link.
      return { ...base, text: input.content ? `${input.content}\n${input.mediaUrl!}` : input.mediaUrl! };
    default:
      return { ...base, text: input.content! };
  }
}

/** Throws when the channel cannot carry this content (Kakao rules, template approval). */
export function checkContentForChannel(content: PreparedContent & { template?: TemplateFixture }, channel: Channel, prefix = ''): void {
  const type = content.contentType;
  if (type === 'brandmessage' && channel !== 'kakao') {
    throw hubError.invalid(
      HubCode.invalidContent,
      `contentType brandmessage is Kakao's marketing message: it is sent on channel kakao only, not ${channel}`,
      `${prefix}contentType`,
      type,
    );
  }
  // NHN Cloud's Kakao BSP carries AlimTalk (approved templates) and Brand Messages, nothing free-form.
  if (channel === 'kakao' && type !== 'template' && type !== 'brandmessage') {
    throw hubError.invalid(
      HubCode.invalidContent,
      `kakao sends AlimTalk (contentType template, with a Kakao-approved template) or brandmessage, not ${type}`,
      `${prefix}contentType`,
      type,
    );
  }
  const template = content.template;
  if (!template) return;
  if (template.status !== 'approved') {
    throw hubError.invalid(
      HubCode.templateNotApproved,
      `Template ${template.templateId} is ${template.status}, not approved`,
      `${prefix}templateId`,
      template.templateId,
    );
  }
  if (!template.channels.includes(channel)) {
    throw hubError.invalid(
      HubCode.templateNotApproved,
      `Template ${template.templateId} is not approved for ${channel} (approved for ${template.channels.join(', ')})`,
      `${prefix}templateId`,
      template.templateId,
    );
  }
}
