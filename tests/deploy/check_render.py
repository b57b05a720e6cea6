#!/usr/bin/python3.11
"""Checks one rendered kustomization (`kubectl kustomize <dir>` on stdin).

Usage: kubectl kustomize <dir> | check_render.py <base|dev|prod>

Prints one line per rule broken and exits 1 if any is; 0 when all hold.
What it checks is what deploy/README.md promises a platform engineer:

- every Deployment: the three probes, requests and limits, a non-root
  read-only context, and a ServiceAccount of its own (rendered, not
  `default`); each server serves metrics (--metrics_listen in its
  ConfigMap) on its container port `metrics`, annotated for scraping;
- every Service port reaches a container port of the pods it selects; each
  server has a ClusterIP Service and a headless one;
- PodDisruptionBudgets: maxUnavailable 1; Jobs: ttlSecondsAfterFinished;
- NetworkPolicies: deny by default, and between the servers exactly the calls
  of the architecture (ingress and egress alike), the database egress, the
  Prometheus `metrics` rule;
- ConfigMaps and Secrets: generated (hash suffix, so a change rolls the
  pods); every one a pod refers to is rendered, or is one of the database
  Secrets the README tells the operator to provide (base and prod only);
- every address the services dial (dependencies as dns:///<headless>:<port>,
  the database host) is a Service of the render (the base's placeholder
  database host aside); servers age their connections out (load spread);
- overlays: images pinned (a tag other than `latest`, or a digest);
- dev: the MariaDB StatefulSet with a volume and the schema/user Job;
- overlays: the connection budget at the autoscalers' ceiling fits the
  database's max_connections (docs/scaling.md's per-pod figures).
"""

import re
import sys

import yaml

SERVICES = ("account", "interaction", "scoring")
# Which service calls which (docs/architecture.md): caller -> callees.
CALLS = {("interaction", "account"), ("scoring", "account"), ("scoring", "interaction")}
# Connections a pod holds besides its pool (docs/scaling.md, "The database
# connection budget"): one per id allocator, and the readiness check.
FIXED_CONNECTIONS = {"account": 6 + 1, "interaction": 11 + 1, "scoring": 3 + 1}
MIGRATION_JOB_CONNECTIONS = 2  # the migration lock and the statements
RESERVE = 10  # operators, backups, monitoring
# Secrets the operator provides from a secret store (deploy/README.md).
EXTERNAL_SECRETS = {f"kam-{s}-db" for s in SERVICES}
HASH_SUFFIX = re.compile(r"-[a-z0-9]{10}$")

problems = []


def fail(message):
    problems.append(message)


def labels_match(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def pod_spec(obj):
    if obj["kind"] in ("Deployment", "StatefulSet", "Job"):
        return obj["spec"]["template"]["spec"]
    return None


def containers(obj):
    spec = pod_spec(obj)
    return (spec.get("initContainers", []) + spec.get("containers", [])) if spec else []


def server_name(obj):
    """"account" for the Deployment kam-account, else None."""
    name = obj["metadata"]["name"]
    return name[len("kam-"):] if name in {f"kam-{s}" for s in SERVICES} else None


def check_metrics(deployment, service, env):
    """The server serves /metrics on its container port `metrics`, and the
    pod is annotated so an annotation-driven Prometheus scrapes exactly that."""
    name = deployment["metadata"]["name"]
    listen = env.get(f"KAM_{service.upper()}_METRICS_LISTEN", "")
    ports = [p for c in containers(deployment) for p in c.get("ports", [])
             if p.get("name") == "metrics"]
    if not listen or ":" not in listen:
        fail(f"Deployment {name}: KAM_{service.upper()}_METRICS_LISTEN is not set: no metrics")
        return
    if listen.rsplit(":", 1)[0] not in ("0.0.0.0", "[::]", ""):
        fail(f"Deployment {name}: metrics on {listen} cannot be reached from Prometheus")
    if len(ports) != 1 or str(ports[0]["containerPort"]) != listen.rsplit(":", 1)[1]:
        fail(f"Deployment {name}: no container port `metrics` {listen.rsplit(':', 1)[1]}")
    annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
    want = {"prometheus.io/scrape": "true", "prometheus.io/port": listen.rsplit(":", 1)[1],
            "prometheus.io/path": "/metrics"}
    for key, value in want.items():
        if str(annotations.get(key)) != value:
            fail(f"Deployment {name}: pod annotation {key} is {annotations.get(key)!r}, "
                 f"want {value!r}")


def main():
    overlay = sys.argv[1]
    docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}
    workloads = [d for d in docs if pod_spec(d) is not None]
    deployments = by_kind.get("Deployment", [])
    services = {d["metadata"]["name"]: d for d in by_kind.get("Service", [])}
    configmaps = {d["metadata"]["name"]: d for d in by_kind.get("ConfigMap", [])}
    env = {}  # every setting of every service's ConfigMap
    for cm in configmaps.values():
        env.update(cm.get("data", {}))

    # --- Deployments -------------------------------------------------------
    accounts_used = {}
    for d in deployments:
        name = d["metadata"]["name"]
        spec = pod_spec(d)
        sa = spec.get("serviceAccountName", "default")
        if sa == "default" or ("ServiceAccount", sa) not in names:
            fail(f"Deployment {name}: serviceAccountName {sa!r} is not a ServiceAccount "
                 "of the render")
        if sa in accounts_used:
            fail(f"Deployment {name} shares ServiceAccount {sa} with {accounts_used[sa]}")
        accounts_used[sa] = name
        if not spec.get("securityContext", {}).get("runAsNonRoot"):
            fail(f"Deployment {name}: pod securityContext lacks runAsNonRoot")
        for c in spec["containers"]:
            where = f"Deployment {name} container {c['name']}"
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                if probe not in c:
                    fail(f"{where}: no {probe}")
            resources = c.get("resources", {})
            for part in ("requests", "limits"):
                if not {"cpu", "memory"} <= set(resources.get(part, {})):
                    fail(f"{where}: {part} must give cpu and memory")
            context = c.get("securityContext", {})
            if not context.get("readOnlyRootFilesystem") or context.get(
                    "allowPrivilegeEscalation", True):
                fail(f"{where}: needs readOnlyRootFilesystem and no privilege escalation")

    # --- Services and their ports ------------------------------------------
    for name, svc in services.items():
        spec = svc["spec"]
        if spec.get("type") == "ExternalName":
            continue
        selected = [w for w in workloads if w["kind"] != "Job" and labels_match(
            spec.get("selector"), w["spec"]["template"]["metadata"].get("labels", {}))]
        if not selected:
            fail(f"Service {name} selects no Deployment or StatefulSet")
        for port in spec["ports"]:
            target = port.get("targetPort", port["port"])
            for w in selected:
                ports = [p for c in containers(w) for p in c.get("ports", [])]
                if not any(p.get("name") == target or p["containerPort"] == target for p in ports):
                    fail(f"Service {name} port {port.get('name')}: {w['kind']} "
                         f"{w['metadata']['name']} has no container port {target}")
    for d in deployments:
        s = server_name(d)
        if s is None:
            continue
        headless = services.get(f"kam-{s}-headless")
        if headless is None or headless["spec"].get("clusterIP") != "None":
            fail(f"no headless Service kam-{s}-headless (clusterIP: None) for callers' round_robin")
        if services.get(f"kam-{s}", {}).get("spec", {}).get("clusterIP") == "None":
            fail(f"Service kam-{s} must keep its cluster IP (outside callers, port forwards)")
        prefix = f"KAM_{s.upper()}_"
        if env.get(prefix + "MAX_CONNECTION_AGE", "0") in ("0", "0s"):
            fail(f"{prefix}MAX_CONNECTION_AGE is not set: callers never re-resolve")
        check_metrics(d, s, env)

    # --- Disruption budgets and Jobs ----------------------------------------
    for pdb in by_kind.get("PodDisruptionBudget", []):
        spec = pdb["spec"]
        if spec.get("maxUnavailable") != 1 or "minAvailable" in spec:
            fail(f"PodDisruptionBudget {pdb['metadata']['name']}: want maxUnavailable 1 only")
    for job in by_kind.get("Job", []):
        if "ttlSecondsAfterFinished" not in job["spec"]:
            fail(f"Job {job['metadata']['name']}: no ttlSecondsAfterFinished")

    # --- NetworkPolicies -----------------------------------------------------
    policies = by_kind.get("NetworkPolicy", [])
    if not any(p["spec"]["podSelector"] in ({}, None) and
               set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"} and
               not p["spec"].get("ingress") and not p["spec"].get("egress") for p in policies):
        fail("no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)")
    server_labels = {s: {"app.kubernetes.io/name": f"kam-{s}",
                         "app.kubernetes.io/component": "server"} for s in SERVICES}

    def peers(rules, side):
        """The servers a list of ingress/egress rules admits (same namespace)."""
        found = set()
        for rule in rules or []:
            for peer in rule.get(side, []):
                if "namespaceSelector" in peer or "podSelector" not in peer:
                    continue
                for s, lbls in server_labels.items():
                    if labels_match(peer["podSelector"].get("matchLabels"), lbls):
                        found.add(s)
        return found

    ingress_edges, egress_edges = set(), set()
    for s, lbls in server_labels.items():
        mine = [p for p in policies if p["spec"]["podSelector"] and
                labels_match(p["spec"]["podSelector"].get("matchLabels"), lbls)]
        if not mine:
            fail(f"no NetworkPolicy selects kam-{s}'s servers")
        for p in mine:
            ingress_edges |= {(caller, s) for caller in peers(p["spec"].get("ingress"), "from")}
            egress_edges |= {(s, callee) for callee in peers(p["spec"].get("egress"), "to")}
            rules = p["spec"].get("egress", [])
            if not any(any(pt.get("port") == 3306 for pt in r.get("ports", [])) for r in rules):
                fail(f"NetworkPolicy {p['metadata']['name']}: no egress to the database (3306)")
            if not any(any(pt.get("port") == "metrics" for pt in r.get("ports", []))
                       for r in p["spec"].get("ingress", [])):
                fail(f"NetworkPolicy {p['metadata']['name']}: Prometheus may not reach `metrics`")
    for edges, side in ((ingress_edges, "ingress"), (egress_edges, "egress")):
        if edges != CALLS:
            fail(f"NetworkPolicy {side} between servers allows {sorted(edges)}, "
                 f"the architecture calls {sorted(CALLS)}")

    # --- ConfigMaps and Secrets ----------------------------------------------
    for kind in ("ConfigMap", "Secret"):
        for obj in by_kind.get(kind, []):
            if not HASH_SUFFIX.search(obj["metadata"]["name"]):
                fail(f"{kind} {obj['metadata']['name']} is not generated (no hash suffix)")
    external = EXTERNAL_SECRETS if overlay in ("base", "prod") else set()
    for w in workloads:
        spec = pod_spec(w)
        refs = []
        for c in containers(w):
            for source in c.get("envFrom", []):
                for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if key in source:
                        refs.append((kind, source[key]["name"]))
            for var in c.get("env", []):
                value_from = var.get("valueFrom", {})
                for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                    if key in value_from:
                        refs.append((kind, value_from[key]["name"]))
        for volume in spec.get("volumes", []):
            if "configMap" in volume:
                refs.append(("ConfigMap", volume["configMap"]["name"]))
            if "secret" in volume:
                refs.append(("Secret", volume["secret"]["secretName"]))
        for kind, ref in refs:
            if (kind, ref) not in names and not (kind == "Secret" and ref in external):
                fail(f"{w['kind']} {w['metadata']['name']} refers to {kind} {ref}, "
                     "which is neither rendered nor one the README asks for")

    # --- Addresses ----------------------------------------------------------
    for key, value in sorted(env.items()):
        if key.endswith("_SERVICE"):
            m = re.fullmatch(r"dns:///([a-z0-9-]+):(\d+)", value)
            svc = services.get(m.group(1)) if m else None
            if svc is None or svc["spec"].get("clusterIP") != "None" or int(m.group(2)) not in [
                    p["port"] for p in svc["spec"]["ports"]]:
                fail(f"{key}={value}: not dns:///<a headless Service of the render>:<its port>")
        if key.endswith("_DB_HOST") and overlay != "base" and value not in services:
            fail(f"{key}={value}: no such Service in the render")

    # --- Images ----------------------------------------------------------------
    if overlay != "base":
        for w in workloads:
            for c in containers(w):
                image = c["image"]
                tag = image.rsplit("/", 1)[-1]
                if "@sha256:" not in image and (":" not in tag or tag.endswith(":latest")):
                    fail(f"{w['kind']} {w['metadata']['name']}: image {image} is not pinned")

    # --- The dev overlay's database ---------------------------------------------
    statefulsets = {d["metadata"]["name"]: d for d in by_kind.get("StatefulSet", [])}
    if overlay == "dev":
        db = statefulsets.get("kam-mariadb")
        if db is None or not db["spec"].get("volumeClaimTemplates"):
            fail("dev: no StatefulSet kam-mariadb with a volume")
        if ("Job", "kam-db-setup") not in names:
            fail("dev: no Job kam-db-setup creating the schemas and users")
        for s in SERVICES:
            host = env.get(f"KAM_{s.upper()}_DB_HOST")
            svc = services.get(host, {"spec": {}})
            if db is None or not labels_match(svc["spec"].get("selector"),
                                              db["spec"]["template"]["metadata"]["labels"]):
                fail(f"dev: KAM_{s.upper()}_DB_HOST={host} is not the in-cluster MariaDB")

    # --- The connection budget ------------------------------------------------
    if overlay != "base":
        max_connections = None
        for svc in services.values():
            note = svc["metadata"].get("annotations", {}).get("kam/mysql-max-connections")
            if note:
                max_connections = int(note)
        for db in statefulsets.values():
            for c in containers(db):
                for arg in c.get("args", []):
                    if arg.startswith("--max-connections="):
                        max_connections = int(arg.split("=", 1)[1])
        hpas = {h["spec"]["scaleTargetRef"]["name"]: h
                for h in by_kind.get("HorizontalPodAutoscaler", [])}
        total = RESERVE + MIGRATION_JOB_CONNECTIONS * len(by_kind.get("Job", []))
        for d in deployments:
            s = server_name(d)
            if s is None:
                continue
            prefix = f"KAM_{s.upper()}_"
            pool = int(env.get(prefix + "DB_POOL_SIZE", 0)) or int(env.get(prefix + "THREADS", 8))
            pods = hpas[d["metadata"]["name"]]["spec"]["maxReplicas"] + int(
                d["spec"]["strategy"]["rollingUpdate"]["maxSurge"])
            total += pods * (pool + FIXED_CONNECTIONS[s])
        if max_connections is None:
            fail("no max_connections stated (kam/mysql-max-connections or --max-connections)")
        elif total > max_connections:
            fail(f"connection budget: {total} connections at the autoscalers' ceiling "
                 f"> max_connections {max_connections}")
        else:
            print(f"  connection budget: {total} of max_connections {max_connections}")

    for p in problems:
        print(f"FAIL: {overlay}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
