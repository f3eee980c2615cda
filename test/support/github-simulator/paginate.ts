export interface Page<T> {
  items: T[];
  /** A `link` header when there is more than one page. */
  headers: Record<string, string>;
}

/** GitHub's page/per_page pagination with a `Link` header built from the request URL. */
export function paginate<T>(items: T[], query: Record<string, unknown>, requestUrl: URL): Page<T> {
  const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30) || 30));
  const page = Math.max(1, Number(query.page ?? 1) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  if (lastPage === 1) return { items: slice, headers: {} };
  const urlFor = (target: number): string => {
    const url = new URL(requestUrl.href);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(target));
    return url.href;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${urlFor(page - 1)}>; rel="prev"`);
  if (page < lastPage) links.push(`<${urlFor(page + 1)}>; rel="next"`);
  links.push(`<${urlFor(lastPage)}>; rel="last"`, `<${urlFor(1)}>; rel="first"`);
  return { items: slice, headers: { link: links.join(", ") } };
}
