/**
 * One snapshot per stack and per chart of every environment (default configuration), beside what
 * they must mean. The meaning is asserted here in outline and in detail by the stack and chart
 * tests; the snapshots catch every other change to the output, so a reviewer sees it in the diff of
 * test/synth/__snapshots__/. After an intended change: `npx jest -u test/synth`, then read the diff.
 * Under CI (`CI=true`, as .ci/run sets) a missing snapshot fails instead of being written.
 */
import { describe, expect, it } from "@jest/globals";
import imagesLock from "../../images/images.lock.json";
import { CHART_IDS } from "../../src/contracts/chart-ids";
import { PROJECT_ROOT } from "../support/cli";
import { SYNTHESIZED_ENVIRONMENTS, chartObjects, stackText, synthesizedRoot } from "../support/synthesized";

const ALL_CHARTS = Object.values(CHART_IDS) as string[];
/** ACK ships its CNI and metrics-server, and has no MetalLB. */
const ACK_CHARTS = [CHART_IDS.storage, CHART_IDS.web, CHART_IDS.faas] as string[];
const EXPECTED_CHARTS: Record<(typeof SYNTHESIZED_ENVIRONMENTS)[number], string[]> = {
  local: ALL_CHARTS,
  "ack-managed": ACK_CHARTS,
  "ack-dedicated": ACK_CHARTS,
};

/** Neither the checkout's nor the run's folder may reach the output (the snapshots would never be stable). */
function assertPortable(text: string, where: string): void {
  for (const path of [PROJECT_ROOT, synthesizedRoot()])
    expect({ where, mentions: text.includes(path) ? path : undefined }).toEqual({ where, mentions: undefined });
}

/**
 * Built images' tags (hashes of their inputs) as a placeholder: every edit of the service would
 * otherwise rewrite these snapshots. That each reference carries its locked tag is asserted here
 * and in test/images/images-lock.test.ts.
 */
function withLockedTags<T>(value: T, where: string): T {
  let text = JSON.stringify(value);
  for (const [name, { tag }] of Object.entries(imagesLock.images as Record<string, { tag: string }>)) {
    text = text.replaceAll(`/${name}:${tag}"`, `/${name}:<images.lock.json>"`);
  }
  // A built image under any other tag would be a stale reference, not something to snapshot.
  expect({ where, stale: text.match(/\/clusterkit\/[a-z0-9-]+:[0-9a-f]{20}"/g) ?? [] }).toEqual({ where, stale: [] });
  return JSON.parse(text) as T;
}

describe.each(SYNTHESIZED_ENVIRONMENTS)("%s", (env) => {
  it("stack", () => {
    const text = stackText(env);
    assertPortable(text, `${env} stack`);
    const json = JSON.parse(text) as { terraform: { required_providers: Record<string, { version: string }> }; resource: Record<string, unknown> };
    for (const [name, p] of Object.entries(json.terraform.required_providers))
      expect({ name, version: p.version }).toEqual({ name, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(Object.keys(json.resource).length).toBeGreaterThan(3);
    expect(withLockedTags(json, `${env} stack`)).toMatchSnapshot();
  });

  const charts = chartObjects(env);
  it("has exactly its charts, in apply order", () => {
    expect([...charts.keys()]).toEqual(EXPECTED_CHARTS[env]);
  });

  it.each(EXPECTED_CHARTS[env])("chart %s", (id) => {
    const objects = charts.get(id) ?? [];
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects)
      expect(o).toEqual(
        expect.objectContaining({ apiVersion: expect.any(String), kind: expect.any(String), metadata: expect.objectContaining({ name: expect.any(String) }) }),
      );
    assertPortable(JSON.stringify(objects), `${env} ${id}`);
    expect(withLockedTags(objects, `${env} ${id}`)).toMatchSnapshot();
  });
});
