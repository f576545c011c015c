/**
 * The control router's routes, read back from express's own table (the route layers of its `stack`)
 * instead of a list kept by hand beside the registrations: the malformed-parameter check names a
 * parameter from it, and the control fuzz test compares it with openapi/control.yaml so the code and
 * the spec cannot drift apart unnoticed.
 */
import type { Router } from 'express';

export interface ControlRoute {
  /** In OpenAPI's spelling, relative to /_sim: `/messages/{provider}/{id}`. */
  template: string;
  /** Lower-case methods, or 'all' for `router.all` (the receivers' hook). */
  methods: readonly string[] | 'all';
}

interface RouteLayer {
  route?: { path: unknown; methods?: Record<string, boolean> };
}

export function routesOf(router: Router): ControlRoute[] {
  const routes: ControlRoute[] = [];
  for (const layer of router.stack as RouteLayer[]) {
    const route = layer.route;
    if (!route || typeof route.path !== 'string') continue;
    const flags = route.methods ?? {};
    const template = route.path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1');
    routes.push({ template, methods: flags._all ? 'all' : Object.keys(flags).filter((m) => flags[m]) });
  }
  return routes;
}

const tables = new WeakMap<Router, ControlRoute[]>();

/** routesOf, read once: call it only when every route is registered (at request time). */
export function routeTable(router: Router): ControlRoute[] {
  let table = tables.get(router);
  if (!table) tables.set(router, (table = routesOf(router)));
  return table;
}

/**
 * The parameter names of the first route whose literal segments match a raw path's segments
 * (case-insensitively, as express routes by default): one entry per segment, undefined for a literal.
 * Undefined when no route matches.
 */
export function paramsOf(routes: readonly ControlRoute[], segments: readonly string[]): Array<string | undefined> | undefined {
  for (const { template } of routes) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    const fits = parts.every((part, i) => (PARAM.test(part) ? segments[i] !== '' : part.toLowerCase() === segments[i]!.toLowerCase()));
    if (fits) return parts.map((part) => PARAM.exec(part)?.[1]);
  }
  return undefined;
}

/** The name of the parameter that `segments[index]` of a raw path fills, or undefined. */
export function paramAt(routes: readonly ControlRoute[], segments: readonly string[], index: number): string | undefined {
  return paramsOf(routes, segments)?.[index];
}

const PARAM = /^\{(\w+)\}$/;
