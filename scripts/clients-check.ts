// Type-checked (never run) by ./scripts/clients against the types openapi-typescript
// generates from the live document: typed calls through openapi-fetch, and the typed shapes
// generated clients used to miss (terms per field, tagged unions, binary uploads).
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];

const client = createClient<paths>({ baseUrl: "http://127.0.0.1:8080" });

export async function jobs(file: Blob): Promise<string[]> {
  const seen: string[] = [];
  const page = await client.GET("/api/agreements", { params: { query: { limit: 2 } } });
  for (const a of page.data?.items ?? []) {
    const one = await client.GET("/api/agreements/{id}", { params: { path: { id: a.id } } });
    const end: Schemas["SourcedDate"] | undefined = one.data?.terms.expiration_date;
    const cap: Schemas["LiabilityCap"] | undefined = one.data?.terms.liability_cap?.value;
    if (cap?.kind === "amount") {
      seen.push(`${cap.amount} ${cap.currency}`);
    }
    seen.push(end?.value ?? "no end");
  }
  // A binary upload: the body is the file, sent as it is.
  await client.POST("/api/import", {
    params: { query: { filename: "contract.pdf" } },
    body: file as unknown as string,
    bodySerializer: (b: unknown) => b as BodyInit,
  });
  const feed = await client.GET("/api/audit", { params: { query: { limit: 100 } } });
  seen.push(feed.data?.next_cursor ?? "");
  return seen;
}

// What a webhook endpoint receives, typed from the document's `webhooks` section.
export function describe(event: Schemas["AlertEvent"]): string {
  return `${event.type}: ${event.title} (${event.due_date ?? "no due date"})`;
}
