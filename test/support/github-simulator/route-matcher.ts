import type { SubsetOperation } from "./load-openapi-subset.js";

export interface RouteMatch {
  operation: SubsetOperation;
  /** Decoded path parameters. */
  params: Record<string, string>;
}

interface CompiledRoute {
  operation: SubsetOperation;
  segments: string[];
  literalCount: number;
}

/** Parameters that may span several path segments (a file path in `/contents/{path}`). */
const GREEDY_PARAMS = new Set(["path"]);

function matchSegments(route: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let index = 0; index < route.segments.length; index += 1) {
    const segment = route.segments[index] ?? "";
    const part = parts[index];
    if (part === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(segment)?.[1];
    if (param === undefined) {
      if (segment !== part) return undefined;
      continue;
    }
    if (GREEDY_PARAMS.has(param) && index === route.segments.length - 1) {
      params[param] = parts.slice(index).map((piece) => decodeURIComponent(piece)).join("/");
      return params;
    }
    if (part === "") return undefined;
    params[param] = decodeURIComponent(part);
  }
  return parts.length === route.segments.length ? params : undefined;
}

/** Finds the operation for a method and path, preferring the template with the most literal segments. */
export function createRouteMatcher(operations: SubsetOperation[]): (method: string, pathname: string) => RouteMatch | undefined {
  const compiled: CompiledRoute[] = operations.map((operation) => {
    const segments = operation.route.split("/").slice(1);
    return { operation, segments, literalCount: segments.filter((segment) => !segment.startsWith("{")).length };
  });
  return (method, pathname) => {
    const parts = pathname.replace(/\/+$/, "").split("/").slice(1);
    let best: (RouteMatch & { literalCount: number }) | undefined;
    for (const route of compiled) {
      if (route.operation.method !== method.toUpperCase()) continue;
      let params: Record<string, string> | undefined;
      try {
        params = matchSegments(route, parts);
      } catch {
        params = undefined; // malformed percent-encoding never matches
      }
      if (params && (!best || route.literalCount > best.literalCount)) {
        best = { operation: route.operation, params, literalCount: route.literalCount };
      }
    }
    return best ? { operation: best.operation, params: best.params } : undefined;
  };
}
