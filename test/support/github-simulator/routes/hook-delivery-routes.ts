import { notFound } from "../github-error.js";
import { isoTime } from "../iso-time.js";
import { numberParam, type RouteContext, type RouteDefinition } from "../route-definition.js";
import type { SimHookDelivery } from "../simulator-state.js";

function deliveryJson(delivery: SimHookDelivery): Record<string, unknown> {
  return {
    id: delivery.id,
    guid: delivery.guid,
    delivered_at: isoTime(delivery.deliveredAt),
    redelivery: delivery.redelivery,
    duration: Math.round(delivery.durationMs) / 1000,
    status: delivery.status,
    status_code: delivery.statusCode,
    event: delivery.event,
    action: delivery.action,
    installation_id: delivery.installationId,
    repository_id: delivery.repositoryId,
    throttled_at: null,
  };
}

function findDelivery(context: RouteContext): SimHookDelivery {
  const id = numberParam(context, "delivery_id");
  const delivery = context.state.deliveries.find((candidate) => candidate.id === id);
  if (!delivery) throw notFound();
  return delivery;
}

const isSuccess = (delivery: SimHookDelivery): boolean => delivery.statusCode >= 200 && delivery.statusCode < 300;

export const hookDeliveryRoutes: RouteDefinition[] = [
  {
    method: "GET",
    route: "/app/hook/deliveries",
    auth: "app",
    handler(context) {
      const perPage = Math.min(100, Math.max(1, Number(context.query.per_page ?? 30) || 30));
      const cursor = typeof context.query.cursor === "string" ? Number(/^v1_(\d+)$/.exec(context.query.cursor)?.[1] ?? NaN) : undefined;
      const wanted = context.query.status;
      const newestFirst = [...context.state.deliveries]
        .filter((delivery) => wanted === undefined || (wanted === "success") === isSuccess(delivery))
        .sort((a, b) => b.id - a.id)
        .filter((delivery) => cursor === undefined || Number.isNaN(cursor) || delivery.id < cursor);
      const page = newestFirst.slice(0, perPage);
      const last = page[page.length - 1];
      const headers: Record<string, string> = {};
      if (newestFirst.length > perPage && last) {
        // GitHub pages deliveries with an opaque cursor rather than page numbers.
        const next = new URL(context.requestUrl.href);
        next.searchParams.set("per_page", String(perPage));
        next.searchParams.set("cursor", `v1_${last.id}`);
        headers.link = `<${next.href}>; rel="next"`;
      }
      return { body: page.map(deliveryJson), headers };
    },
  },
  {
    method: "GET",
    route: "/app/hook/deliveries/{delivery_id}",
    auth: "app",
    handler(context) {
      const delivery = findDelivery(context);
      let payload: unknown;
      try {
        payload = JSON.parse(delivery.requestBody);
      } catch {
        payload = delivery.requestBody;
      }
      return {
        body: {
          ...deliveryJson(delivery),
          url: delivery.url,
          request: { headers: delivery.requestHeaders, payload },
          response: { headers: delivery.responseHeaders, payload: delivery.responseBody },
        },
      };
    },
  },
  {
    method: "POST",
    route: "/app/hook/deliveries/{delivery_id}/attempts",
    auth: "app",
    async handler(context) {
      await context.redeliver(findDelivery(context));
      return { status: 202, body: {} };
    },
  },
];
