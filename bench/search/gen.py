#!/usr/bin/env python3
"""Synthetic benchmark corpus: N published reports (~2 KB of text each) as JSON lines in the
submission shape plus "id", with realistic technology and factor tags (skewed popularity).

    python3 bench/search/gen.py 100000 > corpus.jsonl
"""
import json
import random
import sys

rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)

# (id, display name, what it does) — popularity falls off down the list.
TECH = [
    ("kubernetes", "Kubernetes", "scheduled the pods"), ("postgresql", "PostgreSQL", "stored the orders"),
    ("mysql", "MySQL", "held the account data"), ("redis", "Redis", "cached sessions"),
    ("kafka", "Kafka", "carried the event stream"), ("nginx", "nginx", "terminated traffic at the edge"),
    ("aws-s3", "S3", "held uploaded files"), ("java", "the JVM", "ran the billing service"),
    ("python", "Python", "ran the workers"), ("elasticsearch", "Elasticsearch", "served product search"),
    ("mongodb", "MongoDB", "stored user profiles"), ("rabbitmq", "RabbitMQ", "queued background jobs"),
    ("coredns", "CoreDNS", "resolved service names"), ("envoy", "Envoy", "proxied service traffic"),
    ("terraform", "Terraform", "provisioned the infrastructure"), ("etcd", "etcd", "held cluster state"),
    ("tls-certificates", "the TLS certificate", "secured the public endpoint"),
    ("cert-manager", "cert-manager", "renewed certificates"), ("grpc", "gRPC", "connected the services"),
    ("aws-rds", "RDS", "hosted the database"), ("cloudflare", "Cloudflare", "fronted the website"),
    ("linux-kernel", "the Linux kernel", "managed memory on the nodes"), ("consul", "Consul", "handled service discovery"),
    ("istio", "Istio", "ran the service mesh"), ("aws-lambda", "Lambda", "ran the webhooks"),
    ("nodejs", "Node.js", "served the API"), ("aws-route53", "Route 53", "answered DNS queries"),
    ("cassandra", "Cassandra", "stored time series"), ("kubernetes-hpa", "the HPA", "scaled the deployment"),
    ("pgbouncer", "PgBouncer", "pooled database connections"),
]
FACTORS = [
    ("deploy-defect", ["a release shipped a bug in the {t} client", "the new build mishandled empty responses from {t}"]),
    ("config-mismatch", ["a timeout in {t} was shorter than the caller's", "the {t} configuration differed between regions"]),
    ("resource-exhaustion", ["{t} ran out of memory", "the disk under {t} filled up", "the connection pool to {t} was exhausted"]),
    ("replication-failover", ["replication lag on {t} grew before the failover", "the failover promoted a stale {t} replica"]),
    ("detection-gap", ["no alert covered {t} latency", "we learned about the {t} problem from customers"]),
    ("capacity-scaling", ["{t} could not scale fast enough for the peak", "capacity for {t} was planned for last year's traffic"]),
    ("retry-storm", ["clients retried calls to {t} without backoff", "retries multiplied the load on {t}"]),
    ("certificate-expiry", ["the certificate used by {t} expired", "a credential for {t} expired unnoticed"]),
    ("locking-deadlock", ["transactions in {t} deadlocked", "a lock in {t} blocked all writers"]),
    ("thundering-herd", ["every client reconnected to {t} at once", "cache keys in front of {t} expired together"]),
    ("dependency-failure", ["a slow dependency behind {t} held threads", "an upstream used by {t} degraded"]),
    ("query-access-pattern", ["a query on {t} scanned the whole table", "a hot key overloaded one {t} shard"]),
    ("operator-ergonomics", ["a command ran against the wrong {t} cluster", "the {t} console made the destructive action easy"]),
    ("missing-isolation", ["a failure in {t} cascaded to unrelated services", "{t} had no circuit breaker"]),
    ("knowledge-silo", ["only one engineer knew how {t} was set up", "the {t} runbook was out of date"]),
    ("provider-limit-outage", ["the provider throttled {t} API calls", "a regional outage took {t} down"]),
    ("latent-defect", ["a bug in {t} had been dormant for a year", "an old change to {t} finally triggered"]),
    ("migration-in-flight", ["a half-finished migration left two copies of {t}", "the cutover to the new {t} was in progress"]),
]
FILLER = [
    "The on-call engineer was paged and joined the incident channel within minutes.",
    "Dashboards showed error rates rising across several services at the same time.",
    "We first suspected a network problem, which cost us time during diagnosis.",
    "Rolling back the most recent change did not help, which ruled out the deploy.",
    "Customer support reported a spike in tickets about failed requests.",
    "The incident commander asked for a status update every fifteen minutes.",
    "Once the cause was clear, mitigation took less than ten minutes.",
    "We kept a timeline in the channel, which made this review much easier.",
    "Latency at the load balancer climbed from tens of milliseconds to several seconds.",
    "Several teams joined the call, and coordination became harder as it grew.",
    "A manual workaround restored most traffic while the fix was prepared.",
    "The status page was updated late because nobody owned that task.",
]
PERIODS = [f"{y}-Q{q}" for y in range(2019, 2026) for q in (1, 2, 3, 4)]
SEVS = ["sev1", "sev2", "sev3", "sev3", "sev4", "sev4", "sev5"]


def zipf(items, s=1.1):
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    return lambda: rng.choices(items, weights)[0]


tech_pick = zipf(TECH)
factor_pick = zipf(FACTORS, 0.8)


def report(i):
    techs = []
    while len(techs) < rng.randint(1, 3):
        t = tech_pick()
        if t not in techs:
            techs.append(t)
    facs = []
    while len(facs) < rng.randint(1, 3):
        f = factor_pick()
        if f not in facs:
            facs.append(f)
    main_t, main_f = techs[0], facs[0]
    cause = rng.choice(main_f[1]).format(t=main_t[1])
    title = f"{main_t[1]} incident: {cause}"
    summary = (f"{cause.capitalize()}, and requests failed for {rng.randint(3, 300)} minutes. "
               f"{main_t[1]} {main_t[2]}; " + ", ".join(t[1] for t in techs[1:]) + " were involved.")
    paras = []
    for t in techs:
        paras.append(f"{t[1]} {t[2]}. " + rng.choice(FILLER))
    for f in facs:
        t = rng.choice(techs)
        paras.append(rng.choice(f[1]).format(t=t[1]).capitalize() + ". " + " ".join(rng.sample(FILLER, 3)))
    while sum(len(p) for p in paras) < 1500:
        paras.append(" ".join(rng.sample(FILLER, 3)))
    return {
        "id": f"b{i:07d}", "kind": "near_miss" if rng.random() < 0.1 else "incident",
        "title": title, "summary": summary, "narrative": "\n\n".join(paras),
        "period": rng.choice(PERIODS), "severity": rng.choice(SEVS),
        "impact": {"types": ["elevated_errors"], "customer_visible": True, "description": ""},
        "detection": {"method": "symptom_alert", "time_to_detect": "under_15m", "notes": ""},
        "trigger": {"change_type": "unknown", "description": ""}, "duration": "15m_to_1h",
        "technologies": [{"id": t[0]} for t in techs],
        "contributing_factors": [{"id": f[0], "description": rng.choice(f[1]).format(t=main_t[1]) + "."} for f in facs],
        "timeline": [], "mitigation": "We mitigated and recovered.", "what_went_well": "",
        "lessons": "Alert on the leading indicator.", "action_items": [],
        "context": {"sector": "saas", "size_band": "100_to_500"},
    }


def main():
    n = int(sys.argv[1])
    out = sys.stdout
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    buf = []
    for i in range(n):
        buf.append(dumps(report(i)))
        if len(buf) == 10000:
            out.write("\n".join(buf) + "\n")
            buf = []
    if buf:
        out.write("\n".join(buf) + "\n")


if __name__ == "__main__":
    main()
