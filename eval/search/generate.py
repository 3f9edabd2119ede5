#!/usr/bin/env python3
"""Generates the search relevance fixture: eval/search/corpus.jsonl and the judged query files
(queries.toml, queries-round2.toml, queries-round3.toml).

Reports are synthetic published postmortems in the submission JSON shape
(tests/fixtures/submission.json) plus an "id". Each report comes from a scenario (what the
incident was really about); queries are judged per scenario (0-3), so a judgment says
"a report about X is this useful for query Q" and never names a single report by hand.
Deterministic: `python3 eval/search/generate.py` rewrites every file identically.
"""
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
rng = random.Random(20260422)

SEVERITIES = ["sev1", "sev2", "sev3", "sev4"]
PERIODS = [f"{y}-Q{q}" for y in (2023, 2024, 2025) for q in (1, 2, 3, 4)]
SECTORS = ["ecommerce", "fintech", "saas", "media", "health", "transport", "gaming"]
SIZES = ["under_20", "20_to_100", "100_to_500", "500_to_2000", "over_2000"]


def pick(xs):
    return rng.choice(xs)


# A scenario: title templates, summary and narrative sentence pools, tags, factor notes.
# `{v}` is a version, `{n}` a number; every report draws a different combination.
SCENARIOS = {
    "mysql-replication": dict(
        count=9,
        titles=["MySQL replication lag during failover lost acknowledged writes",
                "Promoted a lagging MySQL replica after the primary died",
                "MySQL replica fell {n} minutes behind and reads served stale data",
                "Semi-sync replication on MySQL silently degraded to async",
                "MySQL GTID replication broke after a failover"],
        summary=["Our MySQL {v} primary failed and the orchestrator promoted a replica that was {n} seconds behind, so writes acknowledged on the old primary were missing.",
                 "Replication from the MySQL primary to its replicas lagged for hours after a bulk update; the read pool served stale rows to customers.",
                 "During a planned MySQL failover the replica chosen for promotion had not applied the last binlog events."],
        narrative=["The binlog position on the replica trailed the primary by {n} seconds when promotion happened.",
                   "Seconds_Behind_Master climbed steadily while a large batch job rewrote a hot table.",
                   "Orchestrator does not check replica lag before promotion in our configuration.",
                   "We reconciled the missing rows from the old primary's binlogs by hand.",
                   "Semi-synchronous replication had timed out and fallen back to asynchronous mode without an alert.",
                   "Applications kept writing to the old primary through cached connections after the failover."],
        tech=[("mysql", "8.0.{n}")], extra_tech=["proxysql", "kubernetes", "aws-rds"],
        factors=["replication-failover"], extra_factors=["detection-gap", "operator-ergonomics"]),
    "mysql-passing": dict(
        count=7,
        titles=["Checkout errors after a bad release of the pricing service",
                "Login latency spike caused by an unbounded retry loop",
                "Nightly report job exhausted worker pool",
                "Feature flag misconfiguration exposed unfinished checkout",
                "Search page timeouts after a frontend deploy"],
        summary=["A release of the pricing service shipped a null-handling bug that broke checkout for {n} minutes.",
                 "A client library retried failed logins without backoff and multiplied load on the auth service.",
                 "A reporting job scheduled at midnight took all workers and starved interactive requests."],
        narrative=["The service stores its state in MySQL, which was healthy throughout.",
                   "We first suspected the MySQL database, but query latency there was normal.",
                   "Rolling back the release restored service within minutes.",
                   "The deploy pipeline had no canary stage for this service.",
                   "Dashboards showed the error rate climbing right after the deploy finished."],
        tech=[("nodejs", "20")], extra_tech=["mysql", "kubernetes", "nginx"],
        factors=["deploy-defect"], extra_factors=["detection-gap", "production-pressure", "retry-storm"]),
    "mysql-deadlock": dict(
        count=5,
        titles=["Deadlocks on the orders table in MySQL after adding an index",
                "MySQL metadata lock blocked all writes during an online schema change",
                "InnoDB lock waits timed out under peak load"],
        summary=["An online schema change on MySQL {v} waited on a metadata lock and queued every write behind it.",
                 "Two transactions updating orders in different orders deadlocked repeatedly in InnoDB."],
        narrative=["ERROR 1213 (40001): Deadlock found when trying to get lock; try restarting transaction",
                   "The migration tool took a metadata lock that long-running transactions blocked.",
                   "Lock wait timeouts cascaded into request timeouts at the API layer.",
                   "We killed the long transaction and the schema change completed."],
        tech=[("mysql", "5.7.{n}")], extra_tech=["django", "python"],
        factors=["locking-deadlock"], extra_factors=["migration-in-flight", "uncontrolled-change"]),
    "postgres-replication": dict(
        count=9,
        titles=["PostgreSQL streaming replication lag left the standby hours behind",
                "Patroni failover promoted a stale PostgreSQL replica",
                "Postgres replica lag after a large vacuum broke read-after-write",
                "Replication slot filled the PostgreSQL primary's disk",
                "Split brain between two PostgreSQL primaries after a network partition"],
        summary=["Streaming replication on our PostgreSQL {v} cluster lagged by {n} minutes and the failover promoted a standby missing recent commits.",
                 "An inactive replication slot retained WAL until the PostgreSQL primary ran out of disk.",
                 "A network partition let Patroni promote a second PostgreSQL primary while the first still accepted writes."],
        narrative=["WAL replay on the standby could not keep up with a bulk load.",
                   "pg_stat_replication showed replay_lag growing for hours before anyone looked.",
                   "The etcd lease used by Patroni expired during the partition.",
                   "We rebuilt the standby from a base backup after the incident.",
                   "Read replicas served stale data to the API for the duration."],
        tech=[("postgresql", "1{n}")], extra_tech=["etcd", "aws-rds", "pgbouncer"],
        factors=["replication-failover"], extra_factors=["detection-gap", "resource-exhaustion"]),
    "postgres-slow-query": dict(
        count=6,
        titles=["A missing index on PostgreSQL turned a report query into a full table scan",
                "Autovacuum fell behind and PostgreSQL queries slowed to seconds",
                "Query planner switched plans after statistics update in Postgres"],
        summary=["After a deploy added a filter, a PostgreSQL query began scanning {n} million rows and saturated the database CPU.",
                 "Table bloat from a stalled autovacuum made PostgreSQL queries ten times slower."],
        narrative=["EXPLAIN ANALYZE showed a sequential scan where an index scan was expected.",
                   "Connection pools filled while queries waited, and the API returned 503s.",
                   "We added the index concurrently and the load dropped immediately.",
                   "The ORM generated the query, so nobody reviewed its plan."],
        tech=[("postgresql", "1{n}")], extra_tech=["pgbouncer", "django", "aws-rds"],
        factors=["query-access-pattern"], extra_factors=["deploy-defect", "eroded-margin-legacy"]),
    "kafka-consumer-lag": dict(
        count=9,
        titles=["Kafka consumer lag grew for hours after a rebalance storm",
                "Order events delayed by Kafka consumer group lag",
                "Kafka partitions unevenly assigned left one consumer far behind",
                "Consumer lag on the payments topic after a broker restart"],
        summary=["Consumers of a Kafka {v} topic fell {n} minutes behind after repeated group rebalances, delaying order confirmations.",
                 "A slow downstream call inside the Kafka consumer made lag grow until events were hours late.",
                 "Kafka consumer lag on one partition grew because a single hot key sent most events there."],
        narrative=["The consumer group rebalanced every few minutes because processing exceeded max.poll.interval.ms.",
                   "Lag alerts existed but fired only on the total, not per partition.",
                   "We added consumers but the topic had only {n} partitions.",
                   "Offsets were committed before processing, so some events were skipped on restart."],
        tech=[("kafka", "3.{n}")], extra_tech=["kubernetes", "java", "aws-msk"],
        factors=["capacity-scaling"], extra_factors=["query-access-pattern", "detection-gap", "traffic-shape"]),
    "k8s-oom": dict(
        count=9,
        titles=["Pods OOMKilled in a loop after a memory limit change on Kubernetes",
                "Kubernetes nodes ran out of memory and evicted critical pods",
                "Java service on k8s killed by the OOM killer under load",
                "Memory leak in a sidecar caused cascading pod restarts"],
        summary=["After lowering memory limits, pods on our Kubernetes {v} cluster were OOMKilled repeatedly and the service flapped for {n} minutes.",
                 "A memory leak in a new release grew until the kernel OOM killer terminated containers across the node pool.",
                 "Node memory pressure on Kubernetes evicted pods without priority classes, including the ingress."],
        narrative=["kubectl describe pod showed Last State: Terminated, Reason: OOMKilled, exit code 137.",
                   "The JVM heap was sized without accounting for the container memory limit.",
                   "CrashLoopBackOff delays stretched recovery after each restart.",
                   "We raised the limits and added memory alerts per container."],
        tech=[("kubernetes", "1.2{n}")], extra_tech=["java", "linux-kernel", "gcp-gke", "aws-eks"],
        factors=["resource-exhaustion"], extra_factors=["config-mismatch", "deploy-defect"]),
    "dns": dict(
        count=8,
        titles=["DNS resolution failures inside the cluster after a CoreDNS change",
                "Expired DNS delegation took the API domain offline",
                "CoreDNS overloaded by ndots search-path amplification",
                "A wrong TTL on a DNS record delayed the failover by an hour"],
        summary=["A CoreDNS configuration change broke name resolution for services in the cluster for {n} minutes.",
                 "Every lookup from pods fanned out into five DNS queries and CoreDNS saturated.",
                 "A DNS record pointed at the old load balancer with a 24 hour TTL, so clients kept failing after we moved traffic."],
        narrative=["Applications logged 'no such host' and 'i/o timeout' resolving internal names.",
                   "conntrack races dropped UDP DNS packets under load.",
                   "We scaled CoreDNS and enabled NodeLocal DNSCache.",
                   "Nobody owned the DNS zone configuration."],
        tech=[("coredns", "1.{n}")], extra_tech=["kubernetes", "aws-route53", "node-local-dns"],
        factors=["config-mismatch"], extra_factors=["capacity-scaling", "staffing-ownership"]),
    "tls-expiry": dict(
        count=9,
        titles=["Expired TLS certificate on the public API",
                "cert-manager stopped renewing certificates and the ingress served an expired cert",
                "Intermediate certificate expiry broke mobile clients",
                "Let's Encrypt renewal failed silently for {n} days"],
        summary=["The TLS certificate of the public API expired at midnight and every client failed the handshake for {n} minutes.",
                 "cert-manager could not complete the ACME challenge after a firewall change, and the certificate expired.",
                 "An intermediate CA certificate expired; older Android clients could not validate the chain."],
        narrative=["Clients reported 'x509: certificate has expired or is not yet valid'.",
                   "The renewal job had been failing for weeks but its errors went to a log nobody read.",
                   "We renewed manually and added an alert thirty days before expiry.",
                   "The certificate was issued by hand two years earlier and nobody remembered it."],
        tech=[("tls-certificates", None)], extra_tech=["cert-manager", "lets-encrypt", "nginx", "kubernetes"],
        factors=["certificate-expiry"], extra_factors=["detection-gap", "knowledge-silo"]),
    "redis-stampede": dict(
        count=6,
        titles=["Cache stampede on Redis after a mass expiry",
                "Redis failover flushed the cache and the database melted",
                "Hot key on Redis saturated a single shard"],
        summary=["Thousands of keys in Redis {v} expired at the same moment and every request fell through to the database.",
                 "A Redis failover lost the cache, and the cold start sent {n} times the normal load to the database."],
        narrative=["All keys had the same TTL because they were written by one batch job.",
                   "The database connection pool was exhausted within seconds.",
                   "We added jittered TTLs and request coalescing."],
        tech=[("redis", "7.{n}")], extra_tech=["postgresql", "mysql", "aws-elasticache"],
        factors=["thundering-herd"], extra_factors=["missing-isolation"]),
    "retry-storm": dict(
        count=6,
        titles=["Retry storm between gRPC services amplified a brief outage",
                "Clients retried without backoff and overwhelmed the gateway",
                "Envoy retries multiplied load during a partial failure"],
        summary=["A short slowdown in one gRPC service turned into a {n} minute outage because every caller retried three times at every layer.",
                 "Mobile clients retried failed requests immediately and the API gateway saturated."],
        narrative=["Each layer had its own retry policy, so one request became dozens.",
                   "There was no retry budget and no jitter.",
                   "We shed load at the edge until the retries died down."],
        tech=[("grpc", "1.{n}")], extra_tech=["envoy", "istio"],
        factors=["retry-storm"], extra_factors=["missing-isolation", "dependency-failure"]),
    "nginx-config": dict(
        count=6,
        titles=["Bad nginx config reload dropped all traffic",
                "Ingress rule change routed API traffic to the wrong service",
                "Regex in a proxy rule consumed all CPU"],
        summary=["An nginx configuration change passed review but failed on reload in production and the edge stopped serving for {n} minutes.",
                 "A new ingress rule matched more paths than intended and sent API calls to the marketing site."],
        narrative=["nginx -t succeeded locally with a different include path.",
                   "The config was deployed to all edge nodes at once.",
                   "Rolling back the config restored traffic."],
        tech=[("nginx", "1.2{n}")], extra_tech=["kubernetes"],
        factors=["config-mismatch"], extra_factors=["deploy-defect", "uncontrolled-change"]),
    "mongodb-disk": dict(
        count=5,
        titles=["MongoDB primary ran out of disk during index build",
                "MongoDB replica set election storm after disk stall"],
        summary=["An index build on a large MongoDB {v} collection filled the disk of the primary and writes stopped.",
                 "Disk latency on the MongoDB primary triggered repeated elections in the replica set."],
        narrative=["The oplog window shrank to minutes during the incident.",
                   "Disk usage alerts were set at 95 percent, too late to act.",
                   "We added storage and rebuilt the index on a secondary first."],
        tech=[("mongodb", "6.0.{n}")], extra_tech=["aws-ebs"],
        factors=["resource-exhaustion"], extra_factors=["capacity-scaling", "replication-failover"]),
    "elasticsearch-heap": dict(
        count=5,
        titles=["Elasticsearch cluster went red after heap pressure",
                "Mapping explosion in Elasticsearch exhausted master memory"],
        summary=["Large aggregations pushed Elasticsearch {v} data nodes into long GC pauses and the cluster went red.",
                 "Dynamic mapping created {n} thousand fields and the master node ran out of memory."],
        narrative=["Circuit breakers tripped on fielddata.",
                   "Search latency rose to tens of seconds before nodes dropped out.",
                   "We disabled dynamic mapping and capped aggregation sizes."],
        tech=[("elasticsearch", "8.{n}")], extra_tech=["java", "elk-stack"],
        factors=["resource-exhaustion"], extra_factors=["query-access-pattern"]),
    "terraform-destroy": dict(
        count=5,
        titles=["Terraform apply destroyed the production load balancer",
                "State drift made Terraform recreate a database"],
        summary=["A Terraform plan that looked like a rename destroyed and recreated the production load balancer, causing {n} minutes of downtime.",
                 "Manual changes in the console drifted from Terraform state and the next apply replaced a live database."],
        narrative=["The plan output was thousands of lines long and the destroy was easy to miss.",
                   "There was no prevent_destroy lifecycle rule on critical resources.",
                   "We restored from backup and added policy checks to the pipeline."],
        tech=[("terraform", "1.{n}")], extra_tech=["aws-elb", "aws-rds"],
        factors=["operator-ergonomics"], extra_factors=["config-drift", "uncontrolled-change"]),
    "s3-provider": dict(
        count=5,
        titles=["Regional S3 outage stalled uploads",
                "Throttled by the cloud provider's API rate limits during scale-up"],
        summary=["An AWS S3 regional disruption made uploads fail for {n} minutes; we had no fallback region.",
                 "Autoscaling hit the provider's API rate limits and new instances never launched."],
        narrative=["Requests returned 503 Slow Down.",
                   "Our status page also depended on the same region.",
                   "We now replicate critical buckets to a second region."],
        tech=[("aws-s3", None)], extra_tech=["aws-ec2", "aws-autoscaling"],
        factors=["provider-limit-outage"], extra_factors=["dependency-failure", "missing-isolation"]),
    "rabbitmq-backlog": dict(
        count=5,
        titles=["RabbitMQ queue backlog blocked publishers",
                "RabbitMQ memory alarm stopped all producers"],
        summary=["A slow consumer let a RabbitMQ {v} queue grow to {n} million messages until the memory alarm blocked every publisher.",
                 "Unacknowledged messages piled up in RabbitMQ and the broker throttled the whole cluster."],
        narrative=["Flow control blocked publishers on unrelated queues too.",
                   "There was no queue length limit or dead-letter policy.",
                   "We purged a poison message and added consumers."],
        tech=[("rabbitmq", "3.1{n}")], extra_tech=["python"],
        factors=["missing-isolation"], extra_factors=["resource-exhaustion", "detection-gap"]),
    "hpa-scaling": dict(
        count=5,
        titles=["Horizontal pod autoscaler scaled too slowly for a traffic spike",
                "Cluster autoscaler could not add nodes fast enough"],
        summary=["A marketing email drove {n} times normal traffic and the HPA on Kubernetes took ten minutes to add pods.",
                 "New nodes took too long to join, so pending pods waited while latency climbed."],
        narrative=["The HPA scaled on CPU, which lagged behind request queueing.",
                   "Image pulls on new nodes took minutes.",
                   "We pre-scaled for known events and switched to request-based scaling."],
        tech=[("kubernetes-hpa", None)], extra_tech=["kubernetes", "cluster-autoscaler"],
        factors=["capacity-scaling"], extra_factors=["traffic-shape"]),
    "java-gc": dict(
        count=5,
        titles=["Long GC pauses in a Java service caused timeouts",
                "JVM upgrade changed default collector and latency doubled"],
        summary=["A Java {v} service paused for seconds in full garbage collections and upstream calls timed out.",
                 "After upgrading the JVM, the default garbage collector changed and p99 latency doubled."],
        narrative=["GC logs showed old generation filling within minutes.",
                   "Health checks failed during pauses and the load balancer removed healthy instances.",
                   "We tuned the heap and pinned the collector."],
        tech=[("java", "1{n}")], extra_tech=["kubernetes"],
        factors=["latent-defect"], extra_factors=["config-mismatch"]),
    "etcd-split": dict(
        count=4,
        titles=["etcd quorum loss froze the Kubernetes control plane",
                "Consul leader elections flapped during a network partition"],
        summary=["Two of three etcd members lost connectivity and the cluster lost quorum; the control plane stopped accepting changes for {n} minutes.",
                 "Consul servers re-elected a leader every few seconds during a partial network partition."],
        narrative=["Raft replication between members timed out repeatedly.",
                   "Deployments and autoscaling stopped while running pods continued.",
                   "We moved the members to separate failure domains."],
        tech=[("etcd", "3.5.{n}")], extra_tech=["kubernetes", "consul"],
        factors=["replication-failover"], extra_factors=["missing-isolation"]),
    "cloudflare-waf": dict(
        count=4,
        titles=["WAF rule with a catastrophic regex blocked all requests",
                "CDN cache rule served private pages to the wrong users"],
        summary=["A new Cloudflare WAF rule with a backtracking regular expression maxed out CPU at the edge for {n} minutes.",
                 "A CDN cache rule cached personalised pages and served them to other users."],
        narrative=["The rule was deployed globally at once.",
                   "We rolled back the rule and added regex review to the pipeline."],
        tech=[("cloudflare", None)], extra_tech=["cloudflare-workers"],
        factors=["config-mismatch"], extra_factors=["deploy-defect"]),
}

LESSONS = ["Alert on the leading indicator, not the symptom.",
           "Practise the failure mode before it happens in production.",
           "Make the safe action the default one in tooling.",
           "Write down what each dashboard means for the next on-call engineer."]


def version(tmpl):
    return tmpl.replace("{n}", str(rng.randint(1, 9))) if tmpl else None


def fill(text):
    return text.replace("{n}", str(rng.randint(2, 90))).replace("{v}", str(rng.randint(1, 9)))


def make(sid, scen, i):
    title = fill(scen["titles"][i % len(scen["titles"])])
    summary = fill(scen["summary"][i % len(scen["summary"])])
    paragraphs = rng.sample(scen["narrative"], k=min(len(scen["narrative"]), rng.randint(2, 4)))
    narrative = "\n\n".join(fill(p) for p in paragraphs)
    techs = [{"id": t, "version": version(v)} if v else {"id": t} for t, v in scen["tech"]]
    for t in rng.sample(scen["extra_tech"], k=rng.randint(0, min(2, len(scen["extra_tech"])))):
        if all(x["id"] != t for x in techs):
            techs.append({"id": t})
    factors = [{"id": f, "description": fill(scen["summary"][0]).split(",")[0].rstrip(".") + "."} for f in scen["factors"]]
    for f in rng.sample(scen["extra_factors"], k=rng.randint(0, 1)):
        if all(x["id"] != f for x in factors):
            factors.append({"id": f, "description": "It made the incident worse or harder to see."})
    sev = pick(SEVERITIES)
    kind = "near_miss" if rng.random() < 0.15 else "incident"
    return {
        "id": f"r{sid:03d}",
        "scenario": None,  # filled by caller, stripped before writing
        "kind": kind,
        "title": title,
        "summary": summary,
        "narrative": narrative,
        "period": pick(PERIODS),
        "severity": sev,
        "impact": {"types": ["elevated_errors"], "customer_visible": sev in ("sev1", "sev2"),
                   "description": "Customers saw errors or delays during the incident."},
        "detection": {"method": pick(["symptom_alert", "cause_alert", "customer_report", "internal_report"]),
                      "time_to_detect": pick(["under_15m", "15m_to_1h", "1h_to_4h"]),
                      "notes": ""},
        "trigger": {"change_type": pick(["code_deploy", "config_change", "operator_action", "traffic_change", "unknown"]),
                    "description": ""},
        "duration": pick(["under_15m", "15m_to_1h", "1h_to_4h"]),
        "technologies": techs,
        "contributing_factors": factors,
        "timeline": [],
        "mitigation": fill(scen["narrative"][-1]),
        "what_went_well": "",
        "lessons": pick(LESSONS),
        "action_items": [],
        "context": {"sector": pick(SECTORS), "size_band": pick(SIZES)},
    }


# Judgments per scenario; scenarios not named are 0. Optional filters apply to every report.
QUERIES = [
    ("MySQL replication", {}, {"mysql-replication": 3, "postgres-replication": 1, "etcd-split": 1, "mysql-deadlock": 1}),
    ("mysql replica lag", {}, {"mysql-replication": 3, "postgres-replication": 1}),
    ("postgres replication", {}, {"postgres-replication": 3, "mysql-replication": 1, "postgres-slow-query": 1}),
    ("pg failover", {}, {"postgres-replication": 3, "mysql-replication": 1, "etcd-split": 1}),
    ("postgress replica lag", {}, {"postgres-replication": 3, "mysql-replication": 1}),
    ("slow postgres query missing index", {}, {"postgres-slow-query": 3, "mysql-deadlock": 1}),
    ("kafka consumer lag", {}, {"kafka-consumer-lag": 3}),
    ("kafka rebalance", {}, {"kafka-consumer-lag": 3}),
    ("k8s oom", {}, {"k8s-oom": 3, "hpa-scaling": 1, "java-gc": 1}),
    ("kubernets pods OOMKilled", {}, {"k8s-oom": 3}),
    ("out of memory", {}, {"k8s-oom": 3, "elasticsearch-heap": 2, "mongodb-disk": 1, "rabbitmq-backlog": 1}),
    ("dns resolution failures", {}, {"dns": 3}),
    ("coredns", {}, {"dns": 3}),
    ("why did our certificate expire", {}, {"tls-expiry": 3}),
    ("expired tls cert", {}, {"tls-expiry": 3}),
    ("cert-manager renewal", {}, {"tls-expiry": 3}),
    ("cache stampede", {}, {"redis-stampede": 3}),
    ("redis", {}, {"redis-stampede": 3}),
    ("retry storm", {}, {"retry-storm": 3, "mysql-passing": 1}),
    ("how do retries cause cascading failures", {}, {"retry-storm": 3, "rabbitmq-backlog": 1, "s3-provider": 1}),
    ("deadlock", {}, {"mysql-deadlock": 3}),
    ("relational database", {}, {"mysql-replication": 2, "postgres-replication": 2, "postgres-slow-query": 2, "mysql-deadlock": 2}),
    ("terraform destroyed production", {}, {"terraform-destroy": 3}),
    ("elasticserch cluster red", {}, {"elasticsearch-heap": 3}),
    ("rabbit queue backlog", {}, {"rabbitmq-backlog": 3, "kafka-consumer-lag": 1}),
    ("autoscaling too slow for traffic spike", {}, {"hpa-scaling": 3, "kafka-consumer-lag": 1, "s3-provider": 1}),
    ("split brain", {}, {"postgres-replication": 3, "etcd-split": 3, "mysql-replication": 1}),
    ("bad nginx config", {}, {"nginx-config": 3, "cloudflare-waf": 1}),
    ("regex", {}, {"cloudflare-waf": 3, "nginx-config": 2}),
    ("garbage collection pauses", {}, {"java-gc": 3, "elasticsearch-heap": 2}),
    ("failover", {"technology": "mysql"}, {"mysql-replication": 3, "mysql-deadlock": 0}),
    ("replication", {"technology": "db-relational"}, {"mysql-replication": 3, "postgres-replication": 3}),
    ("lag", {"severity": "sev1"}, {"kafka-consumer-lag": 3, "mysql-replication": 3, "postgres-replication": 3}),
    ("memory", {"factor": "resource-exhaustion"}, {"k8s-oom": 3, "elasticsearch-heap": 2, "mongodb-disk": 1}),
    ("outage", {"from": "2024-Q1", "to": "2024-Q4", "technology": "kubernetes"}, {"k8s-oom": 2, "hpa-scaling": 2, "dns": 2, "etcd-split": 2, "kafka-consumer-lag": 1}),
]

# Round 2 (written 2026-12-06 before running them): what an engineer pastes or types under
# pressure: error messages and status strings, identifiers from logs, operator shorthand.
QUERIES_ROUND2 = [
    ("java.lang.OutOfMemoryError: Java heap space", {}, {"elasticsearch-heap": 3, "java-gc": 2, "k8s-oom": 1}),
    ("OOMKilled", {}, {"k8s-oom": 3}),
    ("x509: certificate has expired or is not yet valid", {}, {"tls-expiry": 3}),
    ("ERROR 1213 (40001): Deadlock found when trying to get lock", {}, {"mysql-deadlock": 3}),
    ("NXDOMAIN", {}, {"dns": 3}),
    ("SERVFAIL from CoreDNS", {}, {"dns": 3}),
    ("how long do cert expiry incidents last", {}, {"tls-expiry": 3}),
    ("Seconds_Behind_Master", {}, {"mysql-replication": 3}),
    ("etcd lost quorum", {}, {"etcd-split": 3}),
    ("thundering herd after cache flush", {}, {"redis-stampede": 3}),
    ("terraform apply deleted prod", {}, {"terraform-destroy": 3}),
    ("HPA didn't scale up fast enough", {}, {"hpa-scaling": 3}),
    ("WAF regex CPU exhaustion", {}, {"cloudflare-waf": 3, "nginx-config": 1}),
    ("502 bad gateway after nginx reload", {}, {"nginx-config": 3}),
    ("mongo disk full", {}, {"mongodb-disk": 3}),
    ("s3 outage us-east-1", {}, {"s3-provider": 3}),
    ("queue consumers fell behind", {}, {"rabbitmq-backlog": 3, "kafka-consumer-lag": 3}),
    ("stop-the-world GC", {}, {"java-gc": 3, "elasticsearch-heap": 2}),
    ("pg_stat_activity long running query", {}, {"postgres-slow-query": 3}),
    ("grpc retries amplified outage", {}, {"retry-storm": 3}),
    ("standby fell behind primary", {}, {"postgres-replication": 3, "mysql-replication": 3}),
    ("consumer group rebalancing", {}, {"kafka-consumer-lag": 3}),
    ("CrashLoopBackOff memory limit", {}, {"k8s-oom": 3}),
    ("ES unassigned shards", {}, {"elasticsearch-heap": 3}),
]

# Round 3 (blind: written from the scenarios and the taxonomies only, before running them and
# without reading the search code): how engineers search before a change. Aliases and
# abbreviations, misspellings, natural-language questions, several technologies at once,
# contributing-factor and category phrasing, and a few filtered queries.
QUERIES_ROUND3 = [
    # aliases and abbreviations
    ("pg replication slot filled disk", {}, {"postgres-replication": 3, "mongodb-disk": 1}),
    ("k8s node memory pressure evicted pods", {}, {"k8s-oom": 3, "hpa-scaling": 1}),
    ("es circuit breaker fielddata", {}, {"elasticsearch-heap": 3}),
    ("tf state drift recreated database", {}, {"terraform-destroy": 3}),
    ("rmq memory alarm", {}, {"rabbitmq-backlog": 3}),
    ("mongo replica set election storm", {}, {"mongodb-disk": 3, "etcd-split": 1}),
    # misspellings
    ("elasticsaerch mapping explosion", {}, {"elasticsearch-heap": 3}),
    ("kakfa hot partition lag", {}, {"kafka-consumer-lag": 3, "redis-stampede": 1}),
    ("certifcate renewal failed letsencrypt", {}, {"tls-expiry": 3}),
    ("postgers autovacuum bloat", {}, {"postgres-slow-query": 3, "postgres-replication": 1}),
    # natural-language questions
    ("why did our redis cluster fail over during a deploy", {}, {"redis-stampede": 3, "mysql-replication": 1, "postgres-replication": 1}),
    ("what happens when the database primary dies and a replica gets promoted", {},
     {"mysql-replication": 3, "postgres-replication": 3, "mongodb-disk": 1, "etcd-split": 1}),
    ("how did others handle a kubernetes control plane outage", {}, {"etcd-split": 3, "k8s-oom": 1, "hpa-scaling": 1}),
    ("has anyone had pods unable to resolve service names", {}, {"dns": 3}),
    ("why did all our cache keys expire at the same time", {}, {"redis-stampede": 3}),
    # several technologies
    ("patroni etcd postgres failover", {}, {"postgres-replication": 3, "etcd-split": 2, "mysql-replication": 1}),
    ("java on k8s exit code 137", {}, {"k8s-oom": 3, "java-gc": 1}),
    ("nginx ingress routed traffic to the wrong k8s service", {}, {"nginx-config": 3, "dns": 1}),
    ("envoy istio retry policy", {}, {"retry-storm": 3}),
    # contributing factors
    ("config change without canary", {}, {"nginx-config": 3, "cloudflare-waf": 3, "dns": 2, "mysql-passing": 2, "k8s-oom": 1}),
    ("no backoff or jitter", {}, {"retry-storm": 3, "redis-stampede": 2, "mysql-passing": 1}),
    ("no alert until it was too late", {},
     {"mongodb-disk": 2, "tls-expiry": 2, "postgres-replication": 2, "mysql-replication": 2, "kafka-consumer-lag": 1, "rabbitmq-backlog": 1}),
    ("fat finger dangerous command in production", {}, {"terraform-destroy": 3}),
    ("hot key overloaded a single shard", {}, {"redis-stampede": 3, "kafka-consumer-lag": 2}),
    # categories
    ("message queue backlog", {}, {"rabbitmq-backlog": 3, "kafka-consumer-lag": 3}),
    ("load balancer misconfiguration", {}, {"nginx-config": 3, "terraform-destroy": 2, "dns": 1, "cloudflare-waf": 1}),
    # filtered
    ("replica lag", {"technology": "postgresql"}, {"postgres-replication": 3, "postgres-slow-query": 1}),
    ("memory", {"technology": "java"}, {"k8s-oom": 3, "elasticsearch-heap": 3, "java-gc": 2}),
    ("failover", {"technology": "db-relational", "severity": "sev1"}, {"mysql-replication": 3, "postgres-replication": 3, "redis-stampede": 1}),
    ("rolled back", {"factor": "deploy-defect", "from": "2024-Q1", "to": "2025-Q4"},
     {"mysql-passing": 3, "nginx-config": 3, "cloudflare-waf": 3, "k8s-oom": 1, "postgres-slow-query": 1}),
]


def passes(report, flt):
    tax_cat = {"mysql": "db-relational", "postgresql": "db-relational"}
    techs = {t["id"] for t in report["technologies"]}
    if "technology" in flt:
        want = flt["technology"]
        if want == "db-relational":
            if not techs & {"mysql", "postgresql", "proxysql", "pgbouncer"}:
                return False
        elif want not in techs:
            return False
    if "factor" in flt and flt["factor"] not in {f["id"] for f in report["contributing_factors"]}:
        return False
    if "severity" in flt and report["severity"] != flt["severity"]:
        return False
    key = lambda p: (int(p[:4]), int(p[-1]))
    if "from" in flt and key(report["period"]) < key(flt["from"]):
        return False
    if "to" in flt and key(report["period"]) > key(flt["to"]):
        return False
    del tax_cat
    return True


def main():
    reports = []
    n = 0
    for sid, scen in SCENARIOS.items():
        for i in range(scen["count"] + 1):
            n += 1
            r = make(n, scen, i)
            r["scenario"] = sid
            reports.append(r)
    rng.shuffle(reports)
    with open(HERE / "corpus.jsonl", "w") as out:
        for r in reports:
            line = {k: v for k, v in r.items() if k != "scenario"}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    write_queries(reports, QUERIES, "queries.toml", "q")
    write_queries(reports, QUERIES_ROUND2, "queries-round2.toml", "e")
    write_queries(reports, QUERIES_ROUND3, "queries-round3.toml", "b")
    print(f"{len(reports)} reports, {len(QUERIES)} + {len(QUERIES_ROUND2)} + {len(QUERIES_ROUND3)} queries")


def write_queries(reports, queries, name, prefix):
    lines = ["# Search relevance judgments, generated by eval/search/generate.py (do not edit by hand).",
             "# Grades: 3 = exactly what the query asks for, 2 = closely related, 1 = partly useful, 0 = not.",
             "# Reports are judged by the scenario they were generated from; filters apply as in the API.", ""]
    for qi, (text, flt, grades) in enumerate(queries, 1):
        lines.append("[[query]]")
        lines.append(f'id = "{prefix}{qi:02d}"')
        lines.append(f"text = {json.dumps(text)}")
        for k, v in flt.items():
            lines.append(f"{k} = {json.dumps(v)}")
        lines.append("[query.judgments]")
        for r in sorted(reports, key=lambda r: r["id"]):
            g = grades.get(r["scenario"], 0)
            if g > 0 and passes(r, flt):
                lines.append(f"{r['id']} = {g}")
        lines.append("")
    (HERE / name).write_text("\n".join(lines))


if __name__ == "__main__":
    main()
