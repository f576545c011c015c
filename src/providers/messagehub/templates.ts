/**
 * The account's message templates (fixtures/messagehub.json). "templateId: Template name (required if
 * contentType is template); templateParams: Template parameters as key-value pairs": the parameters
 * must be exactly the template's `{{variables}}`, which may be Korean as in the doc's AlimTalk example.
 */
import { HubCode, hubError } from './errors.js';
import { MESSAGEHUB_TEMPLATES, type TemplateFixture } from './fixtures.js';

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/gu;

export function findTemplate(templateId: string): TemplateFixture | undefined {
  return MESSAGEHUB_TEMPLATES.find((t) => t.templateId === templateId);
}

/** The template's variable names, in order of first use. */
export function variablesOf(template: TemplateFixture): string[] {
  return [...new Set([...template.text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Fills the template; throws 404 TEMPLATE_NOT_FOUND for an unknown id and 400
 * TEMPLATE_PARAMS_MISMATCH when a variable has no value or a parameter is not a variable.
 */
export function renderTemplate(templateId: string, params: Record<string, string>, prefix: string): { template: TemplateFixture; text: string } {
  const template = findTemplate(templateId);
  if (!template) throw hubError.notFound(HubCode.templateNotFound, `Template ${templateId} does not exist`, `${prefix}templateId`, templateId);
  const variables = variablesOf(template);
  const missing = variables.filter((v) => !Object.hasOwn(params, v));
  if (missing.length > 0) {
    throw hubError.invalid(
      HubCode.templateParamsMismatch,
      `templateParams is missing ${missing.join(', ')} (template ${templateId} needs ${variables.join(', ')})`,
      `${prefix}templateParams`,
      missing,
    );
  }
  const unknown = Object.keys(params).filter((p) => !variables.includes(p));
  if (unknown.length > 0) {
    throw hubError.invalid(
      HubCode.templateParamsMismatch,
      `templateParams has ${unknown.join(', ')}, not variables of template ${templateId} (${variables.join(', ')})`,
      `${prefix}templateParams`,
      unknown,
    );
  }
  return { template, text: template.text.replace(PLACEHOLDER, (_all, name: string) => params[name]!) };
}
