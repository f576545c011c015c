/**
 * Message templates: reusable text with `{{variable}}` placeholders (the workspace's own templates,
 * not Meta-approved HSM templates). CRUD, names unique per workspace, and a preview that renders the
 * template with the values given and reports the variables that had none.
 */
import type { Engine } from '../../engine/engine.js';
import type { BaseRecord } from '../../engine/store.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { NAMESPACE } from './account.js';
import { MsgflashCode, msgflashError } from './errors.js';
import { newId } from './ids.js';
import { cursorPageOf, queryString } from './listing.js';

export interface TemplateRecord extends BaseRecord {
  name: string;
  content: string;
  category?: string;
}

interface TemplateInput {
  name?: string;
  content?: string;
  category?: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

export function templatesOf(engine: Engine, tenant: string) {
  return engine.store.collection<TemplateRecord>(NAMESPACE, tenant, 'templates');
}

/** Variable names in order of first appearance. */
export function variablesOf(content: string): string[] {
  return [...new Set([...content.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Fills placeholders; those without a value stay as written and are reported missing. */
export function renderTemplate(content: string, values: Record<string, string>): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const text = content.replace(PLACEHOLDER, (whole, name: string) => {
    if (Object.hasOwn(values, name)) return values[name]!;
    missing.add(name);
    return whole;
  });
  return { text, missing: [...missing] };
}

export function findTemplate(engine: Engine, tenant: string, id: string, field = 'id'): TemplateRecord {
  const template = templatesOf(engine, tenant).get(id);
  if (!template) throw msgflashError.notFound('Template', field, id);
  return template;
}

/** Text of a send that names a template: every variable must have a value. */
export function renderForSend(engine: Engine, tenant: string, templateId: string, values: Record<string, string>): string {
  const template = findTemplate(engine, tenant, templateId, 'templateId');
  const { text, missing } = renderTemplate(template.content, values);
  if (missing.length > 0) throw msgflashError.invalid(`Missing template variables: ${missing.join(', ')}`, `variables.${missing[0]}`);
  return text;
}

function templateView(template: TemplateRecord) {
  return {
    id: template.id,
    name: template.name,
    content: template.content,
    ...(template.category !== undefined ? { category: template.category } : {}),
    variables: variablesOf(template.content),
    createdAt: template.createdAt,
    updatedAt: template.updatedAt,
  };
}

function requireUniqueName(engine: Engine, tenant: string, name: string, except?: string): void {
  const lower = name.toLowerCase();
  if (
    templatesOf(engine, tenant)
      .all()
      .some((t) => t.id !== except && t.name.toLowerCase() === lower)
  ) {
    throw msgflashError.conflict(MsgflashCode.templateNameTaken, `A template named "${name}" already exists`, 'name', name);
  }
}

export function templateHandlers(engine: Engine) {
  return {
    listTemplates(req: HandlerRequest): HandlerResult {
      const search = queryString(req.query, 'search')?.toLowerCase();
      const category = queryString(req.query, 'category');
      const filter = (t: TemplateRecord) =>
        (!search || t.name.toLowerCase().includes(search) || t.content.toLowerCase().includes(search)) && (!category || t.category === category);
      return {
        status: 200,
        body: cursorPageOf(templatesOf(engine, req.tenant.id), search || category ? filter : undefined, req.query, 'templates', templateView),
      };
    },

    createTemplate(req: HandlerRequest): HandlerResult {
      const input = req.body as Required<Pick<TemplateInput, 'name' | 'content'>> & TemplateInput;
      requireUniqueName(engine, req.tenant.id, input.name);
      const template = templatesOf(engine, req.tenant.id).insert({
        id: newId(engine),
        name: input.name,
        content: input.content,
        ...(input.category !== undefined ? { category: input.category } : {}),
      });
      return { status: 201, body: { data: templateView(template) } };
    },

    getTemplate(req: HandlerRequest): HandlerResult {
      return { status: 200, body: { data: templateView(findTemplate(engine, req.tenant.id, req.params.id!)) } };
    },

    updateTemplate(req: HandlerRequest): HandlerResult {
      const template = findTemplate(engine, req.tenant.id, req.params.id!);
      const input = req.body as TemplateInput;
      if (input.name !== undefined) requireUniqueName(engine, req.tenant.id, input.name, template.id);
      const updated = templatesOf(engine, req.tenant.id).update(template.id, input)!;
      return { status: 200, body: { data: templateView(updated) } };
    },

    deleteTemplate(req: HandlerRequest): HandlerResult {
      const template = findTemplate(engine, req.tenant.id, req.params.id!);
      templatesOf(engine, req.tenant.id).remove(template.id);
      return { status: 200, body: { data: { id: template.id, deleted: true } } };
    },

    previewTemplate(req: HandlerRequest): HandlerResult {
      const template = findTemplate(engine, req.tenant.id, req.params.id!);
      const values = (req.body as { variables?: Record<string, string> } | undefined)?.variables ?? {};
      const variables = variablesOf(template.content);
      const { text, missing } = renderTemplate(template.content, values);
      return {
        status: 200,
        body: {
          data: {
            templateId: template.id,
            rendered: text,
            variables,
            missingVariables: missing,
            unusedVariables: Object.keys(values).filter((name) => !variables.includes(name)),
            complete: missing.length === 0,
          },
        },
      };
    },
  };
}
