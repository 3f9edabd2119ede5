#!/usr/bin/env python3
"""Deterministic generator for the Commonplace redaction evaluation corpus.

    python3 generate.py                 # seed 20261122 -> corpus.jsonl next to this file
    python3 generate.py --seed 7 --out /tmp/c.jsonl

Standard library only.  Word lists: lexicon.py; sentence templates: templates.py
and scenarios.py.  Every template list is split by position: the last 40% is
used only by held-out documents, so dev and held-out share no sentence template.
Offsets in the output are UTF-8 byte offsets.  See README.md for the schema.
"""
import argparse
import base64
import collections
import datetime as dt
import json
import os
import random
import re
import string
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import lexicon as LX  # noqa: E402
import scenarios as SC  # noqa: E402
import templates as TP  # noqa: E402

DEFAULT_SEED = 20261122


def _all_templates():
    """Every sentence/fragment template (used to prove dev/heldout disjointness)."""
    out = set()
    for name, v in vars(TP).items():
        if not name.isupper():
            continue
        vals = v.values() if isinstance(v, dict) else [v]
        for lst in vals:
            for t in lst:
                if isinstance(t, str):
                    out.add(t)
                elif isinstance(t, list):
                    out.update(t)
    for sc in SC.SCENARIOS:
        for f in ("cause", "rc", "fix", "res"):
            out.update(sc[f])
    return out


TEMPLATE_IDS = _all_templates()
TEMPLATE_USE = collections.defaultdict(set)

CLASS = {}
for _l in ["ORG", "CUSTOMER", "COMPANY", "PERSON", "HANDLE", "EMAIL", "PHONE", "URL", "HOSTNAME",
           "IP_PUBLIC", "CLOUD_ACCOUNT", "SECRET"]:
    CLASS[_l] = "direct"
for _l in ["IP_PRIVATE", "CHANNEL", "TICKET", "INCIDENT_ID", "SERVICE", "DATE", "TIME", "SCALE",
           "SELF_DESCRIPTION", "INITIALS"]:
    CLASS[_l] = "quasi"
for _l in ["TECH", "VERSION", "ERROR", "REGION", "METRIC", "PUBLIC_URL", "CODE", "DURATION"]:
    CLASS[_l] = "keep"
KEEP_ABBR = {"T": "TECH", "V": "VERSION", "E": "ERROR", "R": "REGION", "M": "METRIC",
             "U": "PUBLIC_URL", "C": "CODE", "D": "DURATION"}
ROLES = ["ic", "oncall", "eng", "eng2", "mgr", "author", "exec"]
CONTAINER_LABELS = {"HOSTNAME", "URL", "EMAIL", "SERVICE", "CHANNEL", "CLOUD_ACCOUNT", "SECRET", "HANDLE"}


def split_pool(lst, split):
    """Last 40% (at least one item) of every list is held out."""
    n = len(lst)
    h = max(1, round(n * 0.4))
    return lst[:n - h] if split == "dev" else lst[n - h:]


def fold(s):
    """ASCII-fold a name for use in e-mail addresses and handles."""
    s = s.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O").replace("ß", "ss")
    s = s.replace("ı", "i").replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def ident(s):
    return re.sub(r"[^a-z0-9]", "", fold(s).lower())


# ---------------------------------------------------------------------------
# random value helpers
# ---------------------------------------------------------------------------
ALNUM = string.ascii_letters + string.digits
UPALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64URL = ALNUM + "-_"


def rs(rng, n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


def digits(rng, n, first_nonzero=True):
    s = rng.choice("123456789") if first_nonzero else rng.choice(string.digits)
    return s + rs(rng, n - 1, string.digits)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def secret_value(rng, kind):
    if kind == "aws_key":
        return rng.choice(["AKIA", "AKIA", "ASIA"]) + rs(rng, 16, string.ascii_uppercase + "234567")
    if kind == "aws_secret":
        return rs(rng, 40, ALNUM + "/+")
    if kind == "ghp":
        return rng.choice(["ghp_", "ghp_", "gho_", "ghs_"]) + rs(rng, 36)
    if kind == "github_pat":
        return "github_pat_" + rs(rng, 22) + "_" + rs(rng, 59)
    if kind == "xoxb":
        return f"xoxb-{digits(rng, 11)}-{digits(rng, 13)}-{rs(rng, 24)}"
    if kind == "xoxp":
        return f"xoxp-{digits(rng, 11)}-{digits(rng, 11)}-{digits(rng, 13)}-{rs(rng, 32, HEX)}"
    if kind == "slack_webhook":
        return f"https://hooks.slack.com/services/T{rs(rng, 8, UPALNUM)}/B{rs(rng, 10, UPALNUM)}/{rs(rng, 24)}"
    if kind == "stripe":
        return rng.choice(["sk_live_", "sk_live_", "rk_live_"]) + rs(rng, rng.choice([24, 34, 99]))
    if kind == "google":
        return "AIza" + rs(rng, 35, B64URL)
    if kind == "jwt":
        head = b64u(json.dumps({"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"}, separators=(",", ":")).encode())
        body = b64u(json.dumps({"sub": rs(rng, 12, HEX), "scope": rng.choice(["read write", "admin", "api"]),
                                "iat": rng.randint(1_600_000_000, 1_790_000_000),
                                "exp": rng.randint(1_790_000_001, 1_900_000_000)}, separators=(",", ":")).encode())
        sig = rs(rng, rng.choice([43, 86]), B64URL)
        return f"{head}.{body}.{sig}"
    if kind == "pem":
        typ = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
        raw = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(rng.randint(180, 420)))).decode()
        lines = [raw[i:i + 64] for i in range(0, len(raw), 64)]
        return f"-----BEGIN {typ}-----\n" + "\n".join(lines) + f"\n-----END {typ}-----"
    if kind == "password":
        base = rs(rng, rng.randint(10, 18))
        out = list(base)
        for _ in range(rng.randint(2, 4)):
            out.insert(rng.randrange(len(out)), rng.choice("!#%&*^$@"))
        return "".join(out)
    if kind == "urlpass":  # safe inside a URL authority
        base = list(rs(rng, rng.randint(12, 20)))
        base.insert(rng.randrange(len(base)), rng.choice("!-_~"))
        return "".join(base)
    if kind == "opaque":
        return rs(rng, rng.choice([32, 40, 48]), rng.choice([ALNUM, HEX]))
    raise ValueError(kind)


SINGLE_TOKEN_SECRETS = ["aws_key", "aws_key", "ghp", "github_pat", "xoxb", "xoxp", "stripe", "google", "google", "jwt"]


def hexid(rng, n):
    """Random hex id without long digit runs (so it never looks like an account id)."""
    while True:
        s = rs(rng, n, HEX)
        if not re.search(r"\d{7}", s):
            return s


def public_ipv4(rng):
    first = rng.choice([3, 13, 18, 23, 34, 35, 44, 52, 54, 63, 81, 85, 91, 104, 141, 146, 151, 152,
                        162, 178, 185, 195, 212, 213, 217])
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def private_ipv4(rng):
    k = rng.random()
    if k < 0.6:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if k < 0.8:
        return f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def private_cidr(rng):
    k = rng.random()
    if k < 0.6:
        return f"10.{rng.randint(0, 255)}.0.0/{rng.choice([16, 20])}"
    if k < 0.8:
        return f"172.{rng.randint(16, 31)}.{rng.choice([0, 16, 32, 64])}.0/{rng.choice([20, 24])}"
    return f"192.168.{rng.randint(0, 255)}.0/24"


def ipv6(rng):
    pre = rng.choice(["2a05:d018", "2600:1f18", "2a02:26f0", "2606:4700", "2a01:4f8", "2604:a880", "2a00:1450"])
    groups = [format(rng.randint(1, 0xffff), "x") for _ in range(6)]
    k = rng.random()
    if k < 0.3:
        return pre + ":" + ":".join(groups)
    if k < 0.6:
        return pre + ":" + ":".join(groups[:2]) + "::" + groups[5]
    if k < 0.85:
        return pre + "::" + groups[0]
    return pre + ":" + groups[0] + "::" + groups[4] + ":" + groups[5]


def phone(rng):
    d = lambda n: rs(rng, n, string.digits)  # noqa: E731
    area = rng.choice(["212", "312", "415", "503", "617", "646", "720", "206", "512", "202"])
    forms = [
        lambda: f"+1 {area}-555-01{d(2)}", lambda: f"({area}) 555-01{d(2)}", lambda: f"{area}.555.01{d(2)}",
        lambda: f"+1-{area}-555-01{d(2)}", lambda: f"+44 20 7946 0{d(3)}", lambda: f"+44 7700 900{d(3)}",
        lambda: f"07700 900{d(3)}", lambda: f"+49 30 {d(8)}", lambda: f"+49 (0)89 {d(4)} {d(4)}",
        lambda: f"+33 1 {d(2)} {d(2)} {d(2)} {d(2)}", lambda: f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}",
        lambda: f"+91 9{d(4)} {d(5)}", lambda: f"+81 3-{d(4)}-{d(4)}", lambda: f"+55 11 9{d(4)}-{d(4)}",
        lambda: f"+234 803 {d(3)} {d(4)}", lambda: f"+86 138 {d(4)} {d(4)}", lambda: f"+61 2 5550 {d(4)}",
        lambda: f"+353 1 555 {d(4)}", lambda: f"+31 6 {d(4)} {d(4)}", lambda: f"+46 70 {d(3)} {d(2)} {d(2)}",
        lambda: f"+971 50 {d(3)} {d(4)}", lambda: f"+90 532 {d(3)} {d(2)} {d(2)}", lambda: f"+48 601 {d(3)} {d(3)}",
        lambda: f"+84 91 {d(3)} {d(4)}", lambda: f"+82 10-{d(4)}-{d(4)}", lambda: f"+27 82 {d(3)} {d(4)}",
    ]
    return rng.choice(forms)()


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def ordinal(n):
    suf = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suf}"


DATE_STYLES = ["iso", "us_long", "uk_long", "us_slash", "eu_dot", "ordinal_of", "ordinal_y", "weekday",
               "mon_short", "slash_iso", "dow_short"]


def fmt_date(d, style):
    m, M3 = MONTHS[d.month - 1], MONTHS[d.month - 1][:3]
    return {
        "iso": d.isoformat(),
        "us_long": f"{m} {d.day}, {d.year}",
        "uk_long": f"{d.day} {m} {d.year}",
        "us_slash": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "eu_dot": f"{d.day:02d}.{d.month:02d}.{d.year}",
        "ordinal_of": f"{ordinal(d.day)} of {m}",
        "ordinal_y": f"{ordinal(d.day)} {m} {d.year}",
        "weekday": f"{WEEKDAYS[d.weekday()]}, {m} {d.day}",
        "mon_short": f"{M3} {d.day}, {d.year}",
        "slash_iso": f"{d.year}/{d.month:02d}/{d.day:02d}",
        "dow_short": f"{WEEKDAYS[d.weekday()][:3]} {d.day} {M3} {d.year}",
    }[style]


TS_STYLES = ["iso_z", "iso_ms", "iso_utc", "iso_off", "log4j", "syslog", "nginx", "rfc2822"]


def fmt_ts(d, mins, sec, ms, style):
    hh, mm = (mins // 60) % 24, mins % 60
    M3 = MONTHS[d.month - 1][:3]
    return {
        "iso_z": f"{d.isoformat()}T{hh:02d}:{mm:02d}:{sec:02d}Z",
        "iso_ms": f"{d.isoformat()}T{hh:02d}:{mm:02d}:{sec:02d}.{ms:03d}Z",
        "iso_utc": f"{d.isoformat()} {hh:02d}:{mm:02d}:{sec:02d} UTC",
        "iso_off": f"{d.isoformat()}T{hh:02d}:{mm:02d}:{sec:02d}+00:00",
        "log4j": f"{d.isoformat()} {hh:02d}:{mm:02d}:{sec:02d},{ms:03d}",
        "syslog": f"{M3} {d.day:>2} {hh:02d}:{mm:02d}:{sec:02d}",
        "nginx": f"{d.day:02d}/{M3}/{d.year}:{hh:02d}:{mm:02d}:{sec:02d} +0000",
        "rfc2822": f"{WEEKDAYS[d.weekday()][:3]}, {d.day:02d} {M3} {d.year} {hh:02d}:{mm:02d}:{sec:02d} +0000",
    }[style]


TIME_STYLES = ["hm", "hm_utc", "ampm", "hms", "hm_utc", "hms_utc"]


def fmt_time(mins, style, rng):
    hh, mm = (mins // 60) % 24, mins % 60
    if style == "hm":
        return f"{hh:02d}:{mm:02d}"
    if style == "hm_utc":
        return f"{hh:02d}:{mm:02d} UTC"
    if style == "ampm":
        h12 = hh % 12 or 12
        return f"{h12}:{mm:02d} {'AM' if hh < 12 else 'PM'}"
    if style == "hms":
        return f"{hh:02d}:{mm:02d}:{rng.randint(0, 59):02d}"
    return f"{hh:02d}:{mm:02d}:{rng.randint(0, 59):02d} UTC"


NUMWORDS = {5: "five", 10: "ten", 15: "fifteen", 20: "twenty", 30: "thirty", 40: "forty", 45: "forty-five", 90: "ninety"}


def fmt_dur(rng):
    k = rng.random()
    m = rng.choice([rng.randint(3, 59), rng.randint(3, 59), rng.randint(60, 400)])
    if k < 0.08:
        w = rng.choice(list(NUMWORDS))
        return f"{NUMWORDS[w]} minutes"
    if k < 0.14:
        return f"{rng.randint(20, 150)} seconds"
    if m < 60:
        return rng.choice([f"{m} minutes", f"{m} minutes", f"{m} min", f"{m}m", f"{m} mins"])
    h, r = divmod(m, 60)
    hs = "hour" if h == 1 else "hours"
    return rng.choice([f"{h}h {r}m", f"{h} {hs} and {r} minutes", f"{h} {hs} {r} minutes", f"{h} {hs}",
                       f"{h}h{r:02d}m", f"{m} minutes"])


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------
class Person:
    def __init__(self, rng, pid, first, last, domain):
        self.pid, self.first, self.last = pid, first, last
        self.full = f"{first} {last}"
        f, l_ = ident(first), ident(last)
        self.ambiguous = first in LX.AMBIGUOUS_GIVEN
        self.user = rng.choice([f"{f}.{l_}", f"{f}.{l_}", f"{f[0]}{l_}", f"{f}_{l_}", f"{f}{l_[0]}", f])
        self.handle = "@" + rng.choice([f"{f[0]}{l_}", f, f"{f}.{l_[0]}", f"{f}{l_}", f"{f}-{l_}", f"{f}.{l_}"])
        self.email = rng.choice([f"{f}.{l_}", f"{f}.{l_}", f"{f[0]}{l_}", f, f"{f}_{l_}", f"{f[0]}.{l_}"]) + "@" + domain
        self.phone = phone(rng)
        self.ini = (fold(first)[0] + fold(last)[0]).upper()


BAD_INITIALS = {"DB", "OK", "HA", "IT", "PR", "QA", "UI", "AM", "PM", "ID", "IP", "OS", "CI", "CD", "UX", "VP",
                "HR", "TL", "GB", "MB", "KB", "TB", "ms", "NO", "IN", "ON", "AT", "AS", "BE", "IS", "OR", "IF", "TO",
                "ME", "US", "WE", "GO", "SO", "DO", "UP", "MY", "HE", "LB", "DC", "EU", "UK", "TV", "DR", "ER", "OC",
                "SLA", "SE", "PO", "OP"}


# ---------------------------------------------------------------------------
# Rendering context for one document
# ---------------------------------------------------------------------------
PH = re.compile(r"\{([^{}]+)\}")


class Ctx:
    def __init__(self, rng, split, prof, scen):
        self.rng, self.split, self.prof, self.scen = rng, split, prof, scen
        r = rng
        self.slug = prof["slugs"][0]
        self.jslug = next((s for s in prof["slugs"] if re.fullmatch(r"[a-z][a-z0-9]*", s)), "x" + ident(self.slug))
        self.domain = r.choice(prof["domains"])
        self.prodslugs = [ident(p) for p in prof["products"]]
        self.ents = {}
        self.org_mentions = 0
        self.typo_pending = r.random() < 0.2
        self.hstyle = "md"
        # people
        used_ini, used_names = set(), set()
        aliases_up = {a.upper() for a in prof["aliases"]}
        self.persons = []
        n_people = r.randint(5, 7)
        while len(self.persons) < n_people:
            first = r.choice(LX.AMBIGUOUS_GIVEN) if r.random() < 0.05 else r.choice(LX.GIVEN)
            last = r.choice(LX.SURNAMES)
            p = Person(r, f"p{len(self.persons) + 1}", first, last, self.domain)
            if p.ini in used_ini or p.ini in BAD_INITIALS or p.ini in aliases_up or first in used_names \
                    or last in used_names:
                continue
            used_ini.add(p.ini)
            used_names.update([first, last])
            self.persons.append(p)
        roles = {}
        order = self.persons[:]
        r.shuffle(order)
        for i, role in enumerate(ROLES):
            roles[role] = order[i % len(order)]
        if r.random() < 0.3:
            roles["author"] = roles["ic"]
        self.role = roles
        # stack and scenario keep material
        fam = r.choice(["aws", "aws", "aws", "gcp", "azure"])
        self.fam = fam
        self.cloud = {"aws": ("AWS", []), "gcp": r.choice([("GCP", []), ("Google Cloud", [])]), "azure": ("Azure", [])}[fam]
        orch_opts = {"aws": ["Kubernetes", "EKS", "ECS", "Nomad"], "gcp": ["Kubernetes", "GKE"],
                     "azure": ["Kubernetes", "AKS", "OpenShift"]}[fam]
        self.stack = {k: r.choice(v) for k, v in LX.STACK.items()}
        orch_name = r.choice(orch_opts)
        self.stack["orch"] = next(x for x in LX.STACK["orch"] if x[0] == orch_name)
        self.stack["cloud"] = self.cloud
        self.regions = r.sample(LX.REGIONS[fam], 2)
        # identifiers
        f1, f2 = r.sample(LX.FUNCS, 2)
        self.funcs = [f1, f2]
        ps = self.prodslugs[0]
        self.services = []
        for f in (f1, f2):
            base = r.choice([self.slug, ps, self.slug, ps])
            form = r.choice(["{b}-{f}", "{b}-{f}-{s}", "{f}-{b}", "{b}_{f}", "{b}-{f}-{s}"])
            self.services.append(form.format(b=base, f=f, s=r.choice(LX.FUNC_SUFFIX)))
        self.ns = r.choice([f"{self.slug}-{f1}", f"{self.slug}-prod", f"{ps}-{f1}", f"{ps}-prod", f"{self.slug}-{f1}-prod"])
        idoms = [f"{self.slug}.internal", f"prod.{self.slug}.internal", f"{self.slug}.corp", f"corp.{self.domain}",
                 f"{self.slug}.local", f"int.{self.domain}", f"{self.slug}-prod.lan", f"ad.{self.slug}.corp"]
        self.idom = r.choice(idoms)
        nn = lambda: f"{r.randint(1, 40):02d}"  # noqa: E731
        env = r.choice(["prod", "prd", "live", "p1"])
        self.host = r.choice([f"{f1}-{r.choice(['api', 'app', 'web', 'gw'])}-{nn()}.{self.idom}",
                              f"{r.choice(['kafka', 'lb', 'edge', 'app'])}{nn()}.{env}.{self.idom}",
                              f"api.{self.domain}", f"{f1}.{self.domain}",
                              f"{r.choice(['k8s-worker', 'node', 'vm'])}-{nn()}.{self.idom}"])
        self.host2 = r.choice([f"bastion.{self.idom}", f"jump{nn()}.{self.idom}", f"ci-runner-{nn()}.{self.idom}",
                               f"vault.{self.idom}", f"mq{nn()}.{env}.{self.idom}"])
        region0 = self.regions[0]
        rds_region = region0 if fam == "aws" else "eu-west-1"
        self.dbhost = r.choice([f"db{nn()}.{env}.{self.idom}", f"pg-primary-{r.randint(1, 4)}.{self.idom}",
                                f"{f1}-mysql-{nn()}.{self.idom}",
                                f"{self.slug}-prod-{f1}.cluster-{rs(r, 12, string.ascii_lowercase + string.digits)}.{rds_region}.rds.amazonaws.com",
                                f"{self.slug}-sql-prod.database.windows.net", f"{ps}-db.{self.idom}"])
        self.shorthost = r.choice([f"{ps}-db-{nn()}", f"{self.slug}-redis-{r.randint(1, 9)}", f"{self.slug}-bastion",
                                   f"{ps}-worker-{nn()}", f"{self.slug}-kafka-{r.randint(1, 6)}", f"{ps}-lb{r.randint(1, 4)}"])
        if fam == "aws":
            ip = private_ipv4(r).split(".")
            self.node = f"ip-{'-'.join(ip)}.{region0}.compute.internal" if region0 != "us-east-1" else f"ip-{'-'.join(ip)}.ec2.internal"
        elif fam == "gcp":
            self.node = f"gke-{self.slug}-prod-default-pool-{rs(r, 8, HEX)}-{rs(r, 4, string.ascii_lowercase + string.digits)}"
        else:
            self.node = f"aks-nodepool1-{digits(r, 8)}-vmss{r.randint(0, 40):06d}"
        self.wiki = r.choice([f"https://wiki.{self.domain}/display/SRE/{f1.title()}+Postmortem",
                              f"https://{self.slug}.atlassian.net/wiki/spaces/ENG/pages/{digits(r, 9)}",
                              f"https://confluence.{self.idom}/pages/viewpage.action?pageId={digits(r, 8)}",
                              f"https://www.notion.so/{self.slug}/Postmortem-{rs(r, 32, HEX)}",
                              f"https://docs.{self.idom}/postmortems/{f1}"])
        self.dash = r.choice([f"https://grafana.{self.idom}/d/{rs(r, 9)}/{f1}-overview?orgId=1&from=now-6h",
                              f"https://grafana.{self.domain}/d/{rs(r, 9)}/{self.services[0]}",
                              f"https://app.datadoghq.eu/dashboard/{rs(r, 3, string.ascii_lowercase)}-{rs(r, 3, string.ascii_lowercase)}-{rs(r, 3, string.ascii_lowercase)}/{f1}",
                              f"https://{self.slug}.grafana.net/d/{rs(r, 9)}/{f1}",
                              f"https://kibana.{self.idom}/app/discover#/view/{rs(r, 8, HEX)}"])
        self.tpref = prof["tickets"]
        self.tickets = []
        for _ in range(3):
            if r.random() < 0.15:
                self.tickets.append(r.choice(["INC", "CHG", "RITM", "PRB"]) + f"{r.randint(10000, 99999):07d}")
            else:
                self.tickets.append(f"{r.choice(self.tpref)}-{r.randint(10, 9999)}")
        self.jiraurl = r.choice([f"https://{self.slug}.atlassian.net/browse/{self.tickets[0]}",
                                 f"https://jira.{self.idom}/browse/{self.tickets[0]}",
                                 f"https://linear.app/{self.slug}/issue/{self.tickets[0]}"])
        self.statusurl = r.choice([f"https://status.{self.domain}/incidents/{rs(r, 12, string.ascii_lowercase + string.digits)}",
                                   f"https://{self.slug}.statuspage.io/incidents/{rs(r, 12, string.ascii_lowercase + string.digits)}",
                                   f"https://status.{self.domain}"])
        self.apiurl = r.choice([f"https://api.{self.domain}/v2/{f1}", f"https://api.{self.domain}/v1/{f1}/health",
                                f"https://{f1}.{self.domain}/api", f"https://app.{self.domain}/{f1}"])
        self.runbook = r.choice([f"https://runbooks.{self.idom}/{self.services[0]}/failover",
                                 f"https://github.com/{r.choice(prof['slugs'])}/runbooks/blob/main/{f1}.md",
                                 f"https://wiki.{self.domain}/runbooks/{f1}",
                                 f"https://gitlab.{self.idom}/sre/runbooks/-/blob/main/{f1}.md"])
        self.chans = r.sample([f"#inc-{f1}", f"#{self.slug}-sre", "#sre-oncall", f"#incident-{r.randint(100, 999)}",
                               "#ops-alerts", f"#team-{ps}", f"#{f1}-eng", f"#alerts-{f1}-prod", "#platform-oncall",
                               f"#{ps}-incidents"], 2)
        year = None  # set with the date below
        self.date = dt.date(2019, 1, 1) + dt.timedelta(days=r.randint(0, 2860))
        year = self.date.year
        self.chans[0] = self.chans[0] if r.random() < 0.85 else f"#inc-{self.date.strftime('%Y%m%d')}-{f1}"
        self.date2 = self.date + dt.timedelta(days=r.randint(2, 16))
        self.inc = r.choice([f"INC-{year}-{r.randint(1, 999):04d}", f"#{r.randint(1000, 9999)}", f"IR-{r.randint(40, 900)}",
                             f"SEV-{year}-{r.randint(1, 300):03d}", f"INC-{year}-{r.randint(1, 999):04d}"])
        self.ipps = [private_ipv4(r), private_ipv4(r)]
        self.ips = [public_ipv4(r), public_ipv4(r)]
        self.ip6 = ipv6(r)
        self.cidr = private_cidr(r)
        self.acct = digits(r, 12)
        self.arn = r.choice([f"arn:aws:iam::{self.acct}:role/{self.slug}-deployer",
                             f"arn:aws:iam::{self.acct}:role/{f1}-service-role",
                             f"arn:aws:sns:{self.regions[0] if fam == 'aws' else 'us-east-1'}:{self.acct}:{self.slug}-alerts",
                             f"arn:aws:rds:{self.regions[0] if fam == 'aws' else 'eu-west-1'}:{self.acct}:db:{f1}-prod",
                             f"arn:aws:iam::{self.acct}:user/ci-{ps}"])
        self.gcp = r.choice([f"{self.slug}-prod-{digits(r, 6)}", f"{self.slug}-{f1}-prd", f"{ps}-prod-{digits(r, 6)}"])
        self.azsub = "-".join([rs(r, 8, HEX), rs(r, 4, HEX), "4" + rs(r, 3, HEX), r.choice("89ab") + rs(r, 3, HEX), rs(r, 12, HEX)])
        self.teammail = r.choice(["sre", "oncall", "incidents", "platform-team", "support", "noc", "security"]) + "@" + self.domain
        self.bridge = phone(r)
        # times
        self.clock = r.randint(0, 22 * 60)
        self.tstyle = r.choice(TIME_STYLES)
        self.dstyle = r.choice(DATE_STYLES)
        self.tsstyle = r.choice(["iso_z", "iso_ms", "iso_utc", "iso_off", "log4j"])
        # scale and self description
        self.selfdesc = f"{r.choice(LX.SUPERLATIVES)} {prof['sector']} {prof['geo']}"
        self.scales = [self._scale() for _ in range(2)]
        self.money = self._money()
        # companies
        secs = r.sample(list(LX.COMPANIES), 2)
        self.comps = []
        for s in secs:
            self.comps.append((r.choice(LX.COMPANIES[s]), s))
        if self.comps[0][0] == self.comps[1][0]:
            self.comps[1] = ("Vodafone", "telco") if self.comps[0][0] != "Vodafone" else ("Lufthansa", "airline")
        self.custs = prof["customers"][:] if prof["customers"] else []
        if len(self.custs) == 0:  # no customers in the profile: use real companies as customers
            extra = r.choice(LX.COMPANIES[r.choice(list(LX.COMPANIES))])
            while extra in [c for c, _ in self.comps]:
                extra = r.choice(LX.COMPANIES["retail"])
            self.cust_fallback = extra
        self.ver = f"v{r.randint(1, 9)}.{r.randint(0, 40)}.{r.randint(0, 20)}"
        self.sev = r.choice(["SEV1", "SEV2", "SEV-1", "SEV-2", "P1", "P2", "Sev 2"])
        self.secret_count = 0

    # -- helpers ------------------------------------------------------------
    def pool(self, lst):
        return split_pool(lst, self.split)

    def eid(self, kind, canon):
        key = (kind, canon)
        if key not in self.ents:
            n = sum(1 for k in self.ents if k[0] == kind) + 1
            self.ents[key] = f"{kind}-{n}"
        return self.ents[key]

    def _scale(self):
        r = self.rng
        p = r.choice(LX.SCALE_PATTERNS)
        return p.format(a=r.choice([1.2, 3, 14, 42, 300, 7.5]), b=r.choice([2, 4.5, 11, 18, 42, 60, 120]),
                        c=r.choice([3, 16, 25, 40, 120, 350]), d=r.choice([2, 6, 14, 40]))

    def _money(self):
        r = self.rng
        return r.choice(LX.MONEY_PATTERNS).format(x=r.choice(["1.2", "2.3", "4.8", "0.6", "12"]),
                                                  y=r.choice(["85", "240", "450", "730"]),
                                                  z=r.choice(["80", "150", "320"]))

    def keep(self, label, surface):
        return [(surface, label, "k:" + label + ":" + surface.lower())]

    def tv(self, tech):
        """Tech name plus a version that stays the same within one document."""
        name, vers = tech
        segs = self.keep("TECH", name)
        if vers:
            if not hasattr(self, "_vers"):
                self._vers = {}
            v = self._vers.setdefault(name, self.rng.choice(vers))
            segs += [(" ", None, None)] + self.keep("VERSION", v)
        return segs

    def now_time(self, advance=True, style=None):
        if advance:
            self.clock += self.rng.randint(1, 17)
        return fmt_time(self.clock, style or self.tstyle, self.rng)

    def ts(self, style=None, advance_s=True):
        if advance_s:
            self.clock += self.rng.choice([0, 0, 0, 1])
        return fmt_ts(self.date, self.clock, self.rng.randint(0, 59), self.rng.randint(0, 999), style or self.tsstyle)

    def date_seg(self, d=None, style=None):
        d = d or self.date
        style = style or (self.dstyle if self.rng.random() < 0.6 else self.rng.choice(DATE_STYLES))
        return [(fmt_date(d, style), "DATE", "d:" + d.isoformat())]

    def ts_seg(self, style=None):
        return [(self.ts(style), "DATE", "d:" + self.date.isoformat())]

    def time_seg(self, advance=True, style=None):
        s = self.now_time(advance, style)
        return [(s, "TIME", "t:" + s)]

    def org_form(self):
        r, prof = self.rng, self.prof
        self.org_mentions += 1
        if self.typo_pending and self.org_mentions >= 2:
            self.typo_pending = False
            return r.choice(prof["typos"])
        k = r.random()
        if k < 0.55:
            return prof["name"]
        if k < 0.8:
            return r.choice(prof["aliases"])
        if k < 0.86:
            return prof["name"].upper()
        if k < 0.92:
            return prof["name"].lower()
        return r.choice(prof["slugs"])

    def person_attr(self, p, attr):
        if attr in ("", "full"):
            return [(p.full, "PERSON", p.pid)]
        if attr == "first":
            return [(p.first, "PERSON", p.pid)]
        if attr == "last":
            return [(p.last, "PERSON", p.pid)]
        if attr == "handle":
            return [(p.handle, "HANDLE", p.pid)]
        if attr == "user":
            return [(p.user, "PERSON", p.pid)]
        if attr == "email":
            return [(p.email, "EMAIL", p.pid)]
        if attr == "phone":
            return [(p.phone, "PHONE", p.pid)]
        if attr == "poss":
            return [(p.first, "PERSON", p.pid), ("'s", None, None)]
        if attr == "fullposs":
            return [(p.full, "PERSON", p.pid), ("'s", None, None)]
        if attr == "ini":
            return [(p.ini, "INITIALS", p.pid)]
        raise KeyError(attr)

    def cust_seg(self, i):
        if self.custs:
            name = self.custs[i % len(self.custs)]
            return [(name, "CUSTOMER", self.eid("cust", name))]
        return [(self.cust_fallback, "COMPANY", self.eid("co", self.cust_fallback))]

    def comp_seg(self, i):
        name = self.comps[i][0]
        return [(name, "COMPANY", self.eid("co", name))]

    def secret_seg(self, kind=None):
        kind = kind or self.rng.choice(SINGLE_TOKEN_SECRETS)
        v = secret_value(self.rng, kind)
        self.secret_count += 1
        return [(v, "SECRET", self.eid("s", v))]

    def scen_pick(self, field, n=1):
        return self.rng.sample(self.scen[field], min(n, len(self.scen[field])))

    # -- resolution ---------------------------------------------------------
    def resolve(self, key):
        r = self.rng
        if ":" in key and key.split(":", 1)[0] in KEEP_ABBR:
            ab, lit = key.split(":", 1)
            return self.keep(KEEP_ABBR[ab], lit)
        base, _, attr = key.partition(".")
        if base in self.role:
            return self.person_attr(self.role[base], attr)
        if base == "org":
            if attr == "name":
                self.org_mentions += 1
                return [(self.prof["name"], "ORG", "org")]
            if attr == "slug":
                return [(r.choice(self.prof["slugs"]), "ORG", "org")]
            if attr == "poss":
                f = self.org_form()
                while f.endswith("'s"):
                    f = self.prof["name"]
                return [(f, "ORG", "org"), ("'" if f.endswith("s") else "'s", None, None)]
            return [(self.org_form(), "ORG", "org")]
        if base in ("prod", "prod2"):
            i = 0 if base == "prod" else min(1, len(self.prof["products"]) - 1)
            name = self.prof["products"][i]
            form = name if r.random() < 0.85 else r.choice([name.lower(), name.upper()])
            segs = [(form, "ORG", f"prod{i + 1}")]
            if attr == "poss":
                segs.append(("'s", None, None))
            return segs
        if base in ("cust", "cust2"):
            segs = self.cust_seg(0 if base == "cust" else 1)
            if attr == "poss":
                segs.append(("'" if segs[0][0].endswith("s") else "'s", None, None))
            return segs
        if base in ("comp", "comp2"):
            i = 0 if base == "comp" else 1
            segs = self.comp_seg(i)
            if attr == "poss":
                segs.append(("'" if segs[0][0].endswith("s") else "'s", None, None))
            if attr == "desc":
                phrase = r.choice(["large ", "major ", "", "big "]) + r.choice(LX.COMPANY_SECTOR_NOUN[self.comps[i][1]])
                art = "an" if phrase[0] in "aeiou" else "a"
                segs = [(f"{art} {phrase}, ", None, None)] + segs
            return segs
        simple = {
            "svc": (lambda: self.services[0], "SERVICE", "svc1"),
            "svc2": (lambda: self.services[1], "SERVICE", "svc2"),
            "ns": (lambda: self.ns, "SERVICE", "ns"),
            "host": (lambda: self.host, "HOSTNAME", "h1"),
            "host2": (lambda: self.host2, "HOSTNAME", "h2"),
            "dbhost": (lambda: self.dbhost, "HOSTNAME", "hdb"),
            "shorthost": (lambda: self.shorthost, "HOSTNAME", "hshort"),
            "node": (lambda: self.node, "HOSTNAME", "hnode"),
            "wiki": (lambda: self.wiki, "URL", "u-wiki"),
            "dash": (lambda: self.dash, "URL", "u-dash"),
            "jiraurl": (lambda: self.jiraurl, "URL", "u-jira"),
            "statusurl": (lambda: self.statusurl, "URL", "u-status"),
            "apiurl": (lambda: self.apiurl, "URL", "u-api"),
            "runbook": (lambda: self.runbook, "URL", "u-runbook"),
            "chan": (lambda: self.chans[0], "CHANNEL", "ch1"),
            "chan2": (lambda: self.chans[1], "CHANNEL", "ch2"),
            "ticket": (lambda: self.tickets[0], "TICKET", "tk1"),
            "ticket2": (lambda: self.tickets[1], "TICKET", "tk2"),
            "ticket3": (lambda: self.tickets[2], "TICKET", "tk3"),
            "inc": (lambda: self.inc, "INCIDENT_ID", "inc"),
            "ipp": (lambda: self.ipps[0], "IP_PRIVATE", "ipp1"),
            "ipp2": (lambda: self.ipps[1], "IP_PRIVATE", "ipp2"),
            "ip": (lambda: self.ips[0], "IP_PUBLIC", "ip1"),
            "ip2": (lambda: self.ips[1], "IP_PUBLIC", "ip2"),
            "ip6": (lambda: self.ip6, "IP_PUBLIC", "ip6"),
            "cidr": (lambda: self.cidr, "IP_PRIVATE", "cidr"),
            "arn": (lambda: self.arn, "CLOUD_ACCOUNT", "acct"),
            "teammail": (lambda: self.teammail, "EMAIL", "team-mail"),
            "bridge": (lambda: self.bridge, "PHONE", "bridge"),
            "scale": (lambda: self.scales[0], "SCALE", "scale1"),
            "scale2": (lambda: self.scales[1], "SCALE", "scale2"),
            "money": (lambda: self.money, "SCALE", "money"),
            "selfdesc": (lambda: self.selfdesc, "SELF_DESCRIPTION", "selfdesc"),
        }
        if key in simple:
            fn, label, ent = simple[key]
            return [(fn(), label, ent)]
        if key == "acct":
            return [(r.choice(["AWS account ", "account ", "account ID "]), None, None), (self.acct, "CLOUD_ACCOUNT", "acct")]
        if key == "gcp":
            return [(r.choice(["project ", "GCP project ", "project "]), None, None), (self.gcp, "CLOUD_ACCOUNT", "gcp")]
        if key == "azsub":
            return [(r.choice(["subscription ", "Azure subscription "]), None, None), (self.azsub, "CLOUD_ACCOUNT", "azsub")]
        if key == "secret":
            return self.secret_seg()
        if base == "secret":
            return self.secret_seg(attr)
        if key == "t":
            return self.time_seg()
        if key == "date":
            return self.date_seg()
        if key == "date2":
            return self.date_seg(self.date2)
        if key in ("dur", "dur2"):
            return self.keep("DURATION", fmt_dur(r))
        if key == "tplus":
            return self.keep("DURATION", f"T+{r.randint(0, 3)}:{r.randint(0, 59):02d}")
        if key in ("region", "region2"):
            return self.keep("REGION", self.regions[0 if key == "region" else 1])
        if key in ("metric", "metric2"):
            pool = self.scen["metrics"] + (LX.GENERIC_METRICS if key == "metric2" else [])
            return self.keep("METRIC", r.choice(pool))
        if key in ("err", "err2"):
            return self.keep("ERROR", r.choice(self.scen["errs"]))
        if key in ("code", "code2"):
            return self.keep("CODE", r.choice(self.scen["codes"]))
        if key == "puburl":
            return self.keep("PUBLIC_URL", r.choice(self.scen["urls"] + LX.PUBLIC_URLS_GENERIC[:3]))
        if key == "tech":
            return self.keep("TECH", self.scen["tech"][0][0])
        if key == "techv":
            return self.tv(self.scen["tech"][0])
        if key == "tech2":
            return self.keep("TECH", self.scen["tech"][min(1, len(self.scen["tech"]) - 1)][0])
        stackmap = {"db": "db", "cache": "cache", "queue": "queue", "orch": "orch", "proxy": "proxy", "cloud": "cloud",
                    "ci": "ci", "mon": "mon", "pager": "pager", "lang": "lang", "cdn": "cdn"}
        if key in stackmap:
            return self.keep("TECH", self.stack[stackmap[key]][0])
        if key in ("dbv", "orchv", "langv"):
            return self.tv(self.stack[key[:-1]])
        if key == "ver":
            return self.keep("VERSION", self.ver)
        if key == "sev":
            return [(self.sev, None, None)]
        if key == "pct":
            return [(f"{r.choice([2, 4, 7, 12, 18, 25, 31, 40, 63, 85])}%", None, None)]
        if key in ("n", "n2"):
            return [(str(r.choice([3, 4, 6, 8, 12, 20, 24, 40, 60])), None, None)]
        if key == "cause":
            return self.render(r.choice(self.pool(self.scen["cause"])))
        if key == "fix":
            return self.render(r.choice(self.pool(self.scen["fix"])))
        raise KeyError(key)

    def render(self, tpl):
        if tpl in TEMPLATE_IDS:
            TEMPLATE_USE[tpl].add(self.split)
        out, pos = [], 0
        for m in PH.finditer(tpl):
            if m.start() > pos:
                out.append((tpl[pos:m.start()], None, None))
            out.extend(self.resolve(m.group(1)))
            pos = m.end()
        if pos < len(tpl):
            out.append((tpl[pos:], None, None))
        return out

    def pick(self, lst, k=1):
        pool = self.pool(lst)
        return self.rng.sample(pool, min(k, len(pool)))


# ---------------------------------------------------------------------------
# Segment builder
# ---------------------------------------------------------------------------
class B:
    def __init__(self, ctx):
        self.ctx, self.segs = ctx, []

    def t(self, s):
        self.segs.append((s, None, None))
        return self

    def e(self, s, label, ent):
        self.segs.append((s, label, ent))
        return self

    def r(self, tpl):
        self.segs.extend(self.ctx.render(tpl))
        return self

    def x(self, segs):
        self.segs.extend(segs)
        return self

    def words(self):
        return len("".join(s for s, _, _ in self.segs).split())


# ---------------------------------------------------------------------------
# Blocks (structural pieces)
# ---------------------------------------------------------------------------
def blk_json_logs(c, b):
    r = c.rng
    b.t("```json\n" if r.random() < 0.6 else "```\n")
    msgs = c.pick(TP.LOG_MSGS, 6)
    errs = [e for e in c.scen["errs"] if '"' not in e]
    for i in range(r.randint(3, 6)):
        b.t('{"ts":"').x(c.ts_seg()).t('","level":"' + r.choice(["error", "error", "warn", "ERROR", "fatal"]) + '",')
        b.t('"service":"').x(c.resolve(r.choice(["svc", "svc2"]))).t('",')
        if r.random() < 0.6:
            b.t('"host":"').x(c.resolve(r.choice(["host", "node", "dbhost"]))).t('",')
        b.t('"msg":"' + msgs[i % len(msgs)] + '"')
        if r.random() < 0.7:
            b.t(',"error":"').x(c.keep("ERROR", r.choice(errs))).t('"')
        k = r.random()
        if k < 0.25:
            b.t(',"peer":"').e(f"{c.ipps[0]}:{r.choice([5432, 3306, 6379, 9092, 8080])}", "IP_PRIVATE", "ipp1").t('"')
        elif k < 0.4:
            if r.random() < 0.4:
                b.t(',"remote_addr":"').e(f"{c.ips[1]}:{r.randint(1024, 65535)}", "IP_PUBLIC", "ip2").t('"')
            else:
                b.t(',"client_ip":"').x(c.resolve(r.choice(["ip", "ip2", "ip6"]))).t('"')
        elif k < 0.5:
            b.t(',"user":"').x(c.resolve(r.choice(ROLES) + ".email")).t('"')
        elif k < 0.55:
            b.t(',"region":"').x(c.resolve("region")).t('"')
        b.t(',"trace_id":"' + hexid(r, 32) + '"}\n')
    b.t("```\n")


SYSLOG_PROCS = ["postgres", "mysqld", "kernel", "dockerd", "kubelet", "sshd", "systemd", "nginx", "haproxy", "chronyd",
                "containerd", "redis-server"]


def blk_syslog(c, b):
    r = c.rng
    b.t("```\n")
    msgs = c.pick(TP.LOG_MSGS, 6)
    for i in range(r.randint(3, 7)):
        b.x(c.ts_seg("syslog")).t(" ").x(c.resolve(r.choice(["host", "dbhost", "shorthost", "node"]))).t(" ")
        proc = r.choice(SYSLOG_PROCS)
        b.t(f"{proc}[{r.randint(200, 65000)}]: ")
        k = r.random()
        if proc == "sshd" and k < 0.6:
            b.t("Accepted publickey for ").x(c.resolve(r.choice(ROLES) + ".user")).t(" from ").x(c.resolve("ip"))
            b.t(f" port {r.randint(30000, 65000)} ssh2\n")
        elif proc == "kernel" and k < 0.6:
            b.x(c.keep("ERROR", "Memory cgroup out of memory")).t(f": Killed process {r.randint(1000, 60000)} (java)\n")
        elif k < 0.55:
            b.x(c.keep("ERROR", r.choice(c.scen["errs"]))).t("\n")
        else:
            b.t(msgs[i % len(msgs)])
            if r.random() < 0.4:
                b.t(" peer=").x(c.resolve("ipp"))
            b.t("\n")
    b.t("```\n")


JAVA_ERRS = ["java.net.SocketTimeoutException: Read timed out",
             "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.",
             "org.postgresql.util.PSQLException: FATAL: sorry, too many clients already",
             "java.lang.IllegalStateException: Connection pool shut down",
             "java.lang.OutOfMemoryError: Java heap space"]


def blk_stack(c, b):
    r = c.rng
    kind = r.choice(["java", "python", "go", "node"])
    org = lambda: (c.jslug, "ORG", "org")  # noqa: E731
    prod = (c.prodslugs[0], "ORG", "prod1")
    f = c.funcs[0]
    cls = f.title() + r.choice(["Writer", "Client", "Handler", "Repository", "Consumer"])
    b.t("```\n")
    if kind == "java":
        b.x(c.ts_seg("log4j")).t(f" ERROR [http-nio-8080-exec-{r.randint(1, 40)}] {cls} - request failed\n")
        jerr = [e for e in c.scen["errs"] if e.startswith(("java.", "org."))]
        b.x(c.keep("ERROR", r.choice(jerr or JAVA_ERRS))).t("\n")
        b.t("\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)\n")
        for meth in r.sample(["flush", "write", "handle", "process", "commit", "send"], 3):
            b.t("\tat com.").x([org()]).t(".").x([prod]).t(f".{f}.{cls}.{meth}({cls}.java:{r.randint(40, 900)})\n")
        b.t("\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)\n")
        b.t("\tat org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)\n")
    elif kind == "python":
        b.t("Traceback (most recent call last):\n")
        b.t('  File "/srv/').x([org()]).t(f'/{f}/worker.py", line {r.randint(20, 400)}, in process\n')
        b.t("    resp = session.post(url, json=payload, timeout=5)\n")
        b.t('  File "/usr/local/lib/python3.11/site-packages/requests/adapters.py", line 519, in send\n')
        b.t("    raise ConnectionError(e, request=request)\n")
        b.x(c.keep("ERROR", "requests.exceptions.ConnectionError")).t(": HTTPSConnectionPool(host='")
        b.x(c.resolve(r.choice(["host", "dbhost"]))).t("', port=443): Max retries exceeded with url: /v1/")
        b.t(f"{f} (Caused by NewConnectionError('Failed to establish a new connection: ")
        b.x(c.keep("ERROR", "[Errno 111] Connection refused")).t("'))\n")
    elif kind == "go":
        b.x(c.keep("ERROR", "panic: runtime error: invalid memory address or nil pointer dereference")).t("\n")
        b.t(f"[signal SIGSEGV: segmentation violation code=0x1 addr=0x{r.randint(16, 255):x} pc=0x{rs(r, 6, HEX)}]\n\n")
        b.t(f"goroutine {r.randint(1, 9000)} [running]:\n")
        gslug = r.choice([s for s in c.prof["slugs"] if "_" not in s])
        b.t("github.com/").e(gslug, "ORG", "org").t(f"/{f}/internal/store.(*{cls}).Flush(0xc000{rs(r, 6, HEX)})\n")
        b.t(f"\t/build/internal/store/{f}.go:{r.randint(40, 600)} +0x{rs(r, 2, HEX)}\n")
        b.t("net/http.HandlerFunc.ServeHTTP(0xc0001a2b40, {0x1d3c2e0, 0xc000512380}, 0xc0004f2100)\n")
        b.t("\t/usr/local/go/src/net/http/server.go:2136 +0x29\n")
    else:
        b.x(c.keep("ERROR", "TypeError: Cannot read properties of undefined (reading 'id')")).t("\n")
        b.t(f"    at {cls}.create (/app/src/{f}/service.js:{r.randint(10, 300)}:{r.randint(2, 40)})\n")
        b.t("    at processTicksAndRejections (node:internal/process/task_queues:95:5)\n")
        b.t("    at async /app/node_modules/@").e(c.jslug, "ORG", "org").t(f"/{f}-client/dist/index.js:{r.randint(10, 300)}:{r.randint(2, 40)}\n")
    b.t("```\n")


def pad(s, n):
    return s + " " * max(1, n - len(s))


def blk_kubectl(c, b):
    r = c.rng
    kind = r.choice(["pods", "nodes", "events", "rollout"])
    b.t("```\n$ ").x(c.keep("CODE", "kubectl")).t(" -n ").x(c.resolve("ns"))
    if kind == "pods":
        b.t(" get pods\n")
        b.t(pad("NAME", 44) + pad("READY", 8) + pad("STATUS", 19) + pad("RESTARTS", 16) + "AGE\n")
        for i in range(r.randint(3, 6)):
            svc = c.services[i % 2]
            suffix = f"-{rs(r, 10, 'bcdfghjklmnpqrstvwxz2456789')}-{rs(r, 5, 'bcdfghjklmnpqrstvwxz2456789')}"
            st = r.choice(["CrashLoopBackOff", "OOMKilled", "Running", "Running", "Error"])
            ready = "1/1" if st == "Running" else "0/1"
            b.e(svc, "SERVICE", "svc1" if i % 2 == 0 else "svc2").t(pad(suffix, 44 - len(svc)) + pad(ready, 8))
            if st == "Running":
                b.t(pad(st, 19))
            else:
                b.x(c.keep("ERROR", st)).t(" " * (19 - len(st)))
            rest = f"{r.randint(0, 40)}" + (f" ({r.randint(1, 9)}m ago)" if st != "Running" else "")
            b.t(pad(rest, 16) + f"{r.randint(5, 90)}m\n")
    elif kind == "nodes":
        b.t(" get nodes\n" if r.random() < 0.5 else " get nodes -o wide\n")
        b.t(pad("NAME", 48) + pad("STATUS", 11) + pad("ROLES", 9) + pad("AGE", 6) + "VERSION\n")
        kv = r.choice(["v1.27.3-eks-a5df82a", "v1.28.5", "v1.29.2-gke.1521000", "v1.28.3"])
        b.e(c.node, "HOSTNAME", "hnode").t(" " * max(1, 48 - len(c.node)) + pad("NotReady", 11) + pad("<none>", 9) + pad(f"{r.randint(2, 300)}d", 6))
        b.x(c.keep("VERSION", kv)).t("\n")
        for _ in range(r.randint(1, 3)):
            other = re.sub(r"\d+", lambda m: str(r.randint(1, 250)), c.node, count=2)
            b.e(other, "HOSTNAME", c.eid("h", other)).t(" " * max(1, 48 - len(other)) + pad("Ready", 11) + pad("<none>", 9) + pad(f"{r.randint(2, 300)}d", 6))
            b.x(c.keep("VERSION", kv)).t("\n")
    elif kind == "events":
        b.t(" get events --sort-by=.lastTimestamp\n")
        b.t("LAST SEEN   TYPE      REASON      OBJECT                                   MESSAGE\n")
        b.t(f"{r.randint(1, 9)}m          Warning   BackOff     pod/").e(c.services[0], "SERVICE", "svc1")
        b.t(f"-{rs(r, 5, 'bcdfghjklmnpqrstvwxz2456789')}   ").x(c.keep("ERROR", "Back-off restarting failed container")).t("\n")
        b.t(f"{r.randint(1, 9)}m          Warning   Unhealthy   pod/").e(c.services[0], "SERVICE", "svc1")
        b.t(f"-{rs(r, 5, 'bcdfghjklmnpqrstvwxz2456789')}   Readiness probe failed: Get \"http://")
        b.e(f"{c.ipps[0]}:8080", "IP_PRIVATE", "ipp1").t('/healthz": ').x(c.keep("ERROR", "context deadline exceeded")).t("\n")
        b.t(f"{r.randint(1, 9)}m          Normal    Pulled      pod/").e(c.services[1], "SERVICE", "svc2")
        b.t(f"-{rs(r, 5, 'bcdfghjklmnpqrstvwxz2456789')}   Container image \"")
        reg = f"registry.{c.idom}"
        b.e(reg, "HOSTNAME", c.eid("h", reg)).t(f'/{c.funcs[1]}/api:{c.ver[1:]}" already present on machine\n')
    else:
        b.t(" ").x(c.keep("CODE", "rollout undo")).t(" deployment/").e(c.services[0], "SERVICE", "svc1").t("\n")
        b.t("deployment.apps/").e(c.services[0], "SERVICE", "svc1").t(" rolled back\n$ ").x(c.keep("CODE", "kubectl"))
        b.t(" -n ").x(c.resolve("ns")).t(" ").x(c.keep("CODE", "rollout status")).t(" deployment/").e(c.services[0], "SERVICE", "svc1")
        b.t("\nWaiting for deployment \"").e(c.services[0], "SERVICE", "svc1").t('" rollout to finish: 2 of 6 updated replicas are available...\n')
        b.t("deployment \"").e(c.services[0], "SERVICE", "svc1").t('" successfully rolled out\n')
    b.t("```\n")


def blk_shell(c, b):
    r = c.rng
    cmds = r.sample(["psql", "mysql", "redis", "curl", "aws", "dig", "openssl", "gcloud", "az", "ssh"], r.randint(2, 3))
    b.t("```bash\n" if r.random() < 0.5 else "```\n")
    for cmd in cmds:
        if cmd == "psql":
            pw = secret_value(r, "urlpass")
            b.t('$ psql "postgres://app_rw:').e(pw, "SECRET", c.eid("s", pw)).t("@").x(c.resolve("dbhost"))
            b.t(f':5432/{c.funcs[0]}" -c "SELECT count(*), state FROM ').x(c.keep("CODE", "pg_stat_activity")).t(' GROUP BY state;"\n')
            b.t(" count |        state\n-------+---------------------\n")
            b.t(f"   {r.randint(150, 480)} | idle in transaction\n    {r.randint(5, 40)} | active\n(2 rows)\n")
        elif cmd == "mysql":
            pw = secret_value(r, "password").replace("'", "")
            b.t("$ mysql -h ").x(c.resolve("dbhost")).t(" -u app -p'").e(pw, "SECRET", c.eid("s", pw)).t("' -e \"")
            b.x(c.keep("CODE", "SHOW ENGINE INNODB STATUS")).t('\\G" | grep -A3 "LATEST DETECTED DEADLOCK"\n')
        elif cmd == "redis":
            pw = secret_value(r, "opaque")
            b.t("$ redis-cli -h ").x(c.resolve(r.choice(["host", "shorthost"]))).t(" -a ").e(pw, "SECRET", c.eid("s", pw))
            b.t(" INFO memory | grep used_memory_human\nused_memory_human:").t(f"{r.randint(2, 60)}.{r.randint(0, 99)}G\n")
        elif cmd == "curl":
            b.t('$ curl -s -H "Authorization: Bearer ').x(c.secret_seg(r.choice(["jwt", "jwt", "ghp"]))).t('" ')
            b.x(c.resolve("apiurl")).t("\n")
            b.t('{"status":"degraded","db":"timeout","cache":"ok"}\n')
        elif cmd == "aws":
            b.t("$ ").x(c.keep("CODE", "aws sts get-caller-identity")).t(" --profile ").e(c.slug, "ORG", "org").t("-prod\n")
            b.t('{\n    "Account": "')
            b.e(c.acct, "CLOUD_ACCOUNT", "acct").t('",\n    "Arn": "').e(f"arn:aws:sts::{c.acct}:assumed-role/{c.slug}-admin/botocore-session", "CLOUD_ACCOUNT", "acct").t('"\n}\n')
        elif cmd == "dig":
            b.t("$ dig +short ").x(c.resolve("host")).t(" @").x(c.resolve("ipp2")).t("\n")
            b.x(c.resolve(r.choice(["ip", "ipp"]))).t("\n")
        elif cmd == "openssl":
            b.t("$ ").x(c.keep("CODE", "openssl s_client -connect")).t(" ").x(c.resolve("host")).t(":443 </dev/null 2>/dev/null | ")
            b.x(c.keep("CODE", "openssl x509 -noout -enddate")).t("\nnotAfter=")
            d = c.date - dt.timedelta(days=r.randint(0, 2))
            M3 = MONTHS[d.month - 1][:3]
            b.e(f"{M3} {d.day:>2} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d} {d.year} GMT", "DATE", "d:" + d.isoformat()).t("\n")
        elif cmd == "gcloud":
            b.t("$ gcloud config set project ").e(c.gcp, "CLOUD_ACCOUNT", "gcp").t("\nUpdated property [core/project].\n")
            b.t("$ gcloud sql instances describe ").e(c.slug, "ORG", "org").t(f"-{c.funcs[0]}-db --format='value(state)'\nRUNNABLE\n")
        elif cmd == "az":
            b.t("$ az account set --subscription ").e(c.azsub, "CLOUD_ACCOUNT", "azsub").t("\n")
            b.t("$ az aks get-credentials -g rg-").e(c.slug, "ORG", "org").t("-prod -n aks-prod-").x(c.keep("REGION", c.regions[0] if c.fam == "azure" else "westeurope")).t("\n")
        elif cmd == "ssh":
            b.t("$ ssh -J ").x(c.resolve("host2")).t(" ").x(c.resolve(r.choice(ROLES) + ".user")).t("@").x(c.resolve("dbhost")).t("\n")
            b.t(f"Last login: from ").x(c.resolve("ipp")).t("\n")
    b.t("```\n")


def blk_config(c, b):
    r = c.rng
    kind = r.choice(["env", "yaml", "json", "terraform", "nginx", "conn", "pem", "dbconf"])
    if kind == "env":
        b.t("```\n# .env (" + r.choice(["production", "prod", "live"]) + ")\n")
        b.t("AWS_REGION=").x(c.keep("REGION", c.regions[0] if c.fam == "aws" else "eu-west-1")).t("\n")
        pw = secret_value(r, "urlpass")
        b.t("DATABASE_URL=postgres://app:").e(pw, "SECRET", c.eid("s", pw)).t("@").x(c.resolve("dbhost")).t(f":5432/{c.funcs[0]}\n")
        opts = [("AWS_ACCESS_KEY_ID=", "aws_key"), ("AWS_SECRET_ACCESS_KEY=", "aws_secret"), ("STRIPE_SECRET_KEY=", "stripe"),
                ("SLACK_BOT_TOKEN=", "xoxb"), ("SLACK_WEBHOOK_URL=", "slack_webhook"), ("GITHUB_TOKEN=", "github_pat"),
                ("GOOGLE_MAPS_API_KEY=", "google"), ("SESSION_SECRET=", "password"), ("ADMIN_PASSWORD=", "password"),
                ("API_TOKEN=", "opaque")]
        for k, kind2 in r.sample(opts, r.randint(2, 4)):
            b.t(k).x(c.secret_seg(kind2)).t("\n")
        b.t("LOG_LEVEL=" + r.choice(["info", "debug", "warn"]) + "\n")
        b.t("REDIS_URL=redis://").x(c.resolve("shorthost")).t(":6379/0\n")
        b.t(f"MAX_POOL_SIZE={r.choice([10, 20, 50, 100])}\n```\n")
    elif kind == "yaml":
        b.t("```yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ").e(c.services[0], "SERVICE", "svc1")
        b.t("\n  namespace: ").x(c.resolve("ns")).t("\nspec:\n  replicas: " + str(r.choice([3, 4, 6, 12])) + "\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ")
        reg = f"registry.{c.idom}"
        b.e(reg, "HOSTNAME", c.eid("h", reg)).t(f"/{c.funcs[0]}/api:{c.ver[1:]}\n")
        b.t("          resources:\n            limits:\n              memory: " + r.choice(["512Mi", "1Gi", "2Gi"]) + "\n")
        b.t("          env:\n            - name: DB_HOST\n              value: ").x(c.resolve("dbhost")).t("\n")
        b.t("            - name: DB_PASSWORD\n              value: \"").x(c.secret_seg("password")).t("\"\n")
        if r.random() < 0.6:
            b.t("            - name: SLACK_TOKEN\n              value: ").x(c.secret_seg(r.choice(["xoxb", "xoxp"]))).t("\n")
        b.t("```\n")
    elif kind == "json":
        b.t('```json\n{\n  "database": {\n    "host": "').x(c.resolve("dbhost")).t('",\n    "port": 5432,\n    "user": "svc_')
        b.t(c.funcs[0] + '",\n    "password": "').x(c.secret_seg("password")).t('"\n  },\n  "stripe": { "apiKey": "')
        b.x(c.secret_seg("stripe")).t('" },\n  "alerts": { "webhook": "').x(c.secret_seg("slack_webhook")).t('" },\n')
        b.t('  "region": "').x(c.resolve("region")).t('",\n  "maxConnections": ' + str(r.choice([20, 50, 200])) + "\n}\n```\n")
    elif kind == "terraform":
        b.t('```hcl\nprovider "aws" {\n  region              = "').x(c.keep("REGION", c.regions[0] if c.fam == "aws" else "us-east-1"))
        b.t('"\n  allowed_account_ids = ["').e(c.acct, "CLOUD_ACCOUNT", "acct").t('"]\n}\n\nterraform {\n  backend "s3" {\n    bucket = "')
        b.e(c.slug, "ORG", "org").t('-terraform-state"\n    key    = "' + c.funcs[0] + '/terraform.tfstate"\n  }\n}\n\n')
        b.t('resource "aws_iam_role" "deployer" {\n  name = "').e(c.slug, "ORG", "org").t('-deployer"\n}\n```\n')
    elif kind == "nginx":
        b.t("```nginx\nupstream ").e(c.services[0], "SERVICE", "svc1").t(" {\n")
        for ip in (c.ipps[0], c.ipps[1]):
            b.t("    server ").e(f"{ip}:8080", "IP_PRIVATE", "ipp1" if ip == c.ipps[0] else "ipp2").t(" max_fails=3;\n")
        b.t("    keepalive 64;\n}\nserver {\n    listen 443 ssl;\n    server_name ").x(c.resolve("host")).t(";\n")
        b.t("    ").x(c.keep("CODE", "proxy_read_timeout")).t(" " + r.choice(["30s", "60s", "300s"]) + ";\n")
        b.t("    location / { proxy_pass http://").e(c.services[0], "SERVICE", "svc1").t("; }\n}\n```\n")
    elif kind == "conn":
        b.t("```\n")
        opts = ["jdbc", "ado", "mongo", "amqp", "redis"]
        for k in r.sample(opts, r.randint(2, 3)):
            pw = secret_value(r, "urlpass")
            if k == "jdbc":
                b.t("jdbc:mysql://").x(c.resolve("dbhost")).t(f":3306/{c.funcs[0]}?user=app&password=").e(pw, "SECRET", c.eid("s", pw)).t("&useSSL=true\n")
            elif k == "ado":
                b.t("Server=tcp:").x(c.resolve("dbhost")).t(f",1433;Database={c.funcs[0]};User ID=app;Password=").e(pw, "SECRET", c.eid("s", pw)).t(";Encrypt=true;\n")
            elif k == "mongo":
                mh = f"{c.slug}-prod.{rs(r, 5, string.ascii_lowercase + string.digits)}.mongodb.net"
                b.t("mongodb+srv://svc:").e(pw, "SECRET", c.eid("s", pw)).t("@").e(mh, "HOSTNAME", c.eid("h", mh)).t(f"/{c.funcs[0]}?retryWrites=true\n")
            elif k == "amqp":
                b.t("amqp://worker:").e(pw, "SECRET", c.eid("s", pw)).t("@").x(c.resolve("host2")).t(":5672/%2F\n")
            else:
                b.t("redis://:").e(pw, "SECRET", c.eid("s", pw)).t("@").x(c.resolve("shorthost")).t(":6379/1\n")
        b.t("```\n")
    elif kind == "pem":
        b.t("The file `deploy/keys/" + c.funcs[0] + ".pem` in the repository contained:\n\n```\n")
        b.x(c.secret_seg("pem")).t("\n```\n")
    else:
        if c.stack["db"][0] in ("MySQL", "MariaDB") or c.scen["key"] == "db_deadlock":
            b.t("```ini\n[mysqld]\n").x(c.keep("CODE", "innodb_buffer_pool_size")).t(" = " + r.choice(["24G", "48G", "96G"]) + "\n")
            b.x(c.keep("CODE", "max_connections")).t(f" = {r.choice([500, 800, 2000])}\n")
            b.x(c.keep("CODE", "innodb_lock_wait_timeout")).t(f" = {r.choice([5, 10, 50])}\n```\n")
        else:
            b.t("```\n# postgresql.conf\n").x(c.keep("CODE", "max_connections")).t(f" = {r.choice([100, 200, 400])}\n")
            b.x(c.keep("CODE", "statement_timeout")).t(" = '" + r.choice(["30s", "0", "5min"]) + "'\n")
            b.x(c.keep("CODE", "idle_in_transaction_session_timeout")).t(" = '" + r.choice(["60s", "0"]) + "'\n```\n")


def chat_line(c, b, fmt, p, msg_segs):
    if fmt == "bracket":
        b.t("[").x(c.time_seg(style="hm")).t("] ").x(c.person_attr(p, "user")).t(": ").x(msg_segs).t("\n")
    elif fmt == "slack":
        b.x(c.person_attr(p, "user")).t("  ").x(c.time_seg(style="ampm")).t("\n").x(msg_segs).t("\n\n")
    elif fmt == "bold":
        b.t("**").x(c.person_attr(p, "full")).t("** [").x(c.time_seg(style="hm")).t("]\n> ").x(msg_segs).t("\n\n")
    elif fmt == "irc":
        b.x(c.time_seg(style="hms")).t(" <").x(c.person_attr(p, "user")).t("> ").x(msg_segs).t("\n")
    else:
        c.clock += c.rng.randint(0, 2)
        hh, mm = (c.clock // 60) % 24, c.clock % 60
        b.e(f"{c.date.isoformat()} {hh:02d}:{mm:02d}", "DATE", "d:" + c.date.isoformat()).t(" | ").x(c.person_attr(p, "full")).t(" | ").x(msg_segs).t("\n")


def blk_chat(c, b, n=None):
    r = c.rng
    fmt = r.choice(["bracket", "bracket", "slack", "bold", "irc", "table"])
    n = n or r.randint(6, 14)
    msgs = c.pick(TP.CHAT, n)
    speakers = [c.role[k] for k in ("ic", "oncall", "eng", "eng2", "mgr")]
    if fmt in ("bracket", "irc", "table"):
        b.t("```\n")
    if r.random() < 0.5:
        bot = c.stack["pager"][0]
        b.t("[").x(c.time_seg(style="hm")).t("] ").x(c.keep("TECH", bot)).t(": Triggered: ").x(c.resolve("metric"))
        b.t(" above threshold on ").x(c.resolve("svc")).t("\n" if fmt in ("bracket", "irc", "table") else "\n\n")
    for m in msgs:
        chat_line(c, b, fmt, r.choice(speakers), c.render(m))
    if fmt in ("bracket", "irc", "table"):
        b.t("```\n")


def email_headers(c, b, sender, subject_tpl):
    r = c.rng
    b.t("From: ").x(c.person_attr(sender, "full")).t(" <").x(c.person_attr(sender, "email")).t(">\n")
    b.t("To: ").x(c.resolve("teammail"))
    if r.random() < 0.6:
        b.t(", ").x(c.resolve("mgr.email"))
    b.t("\n")
    k = r.random()
    if k < 0.4:
        b.t("Cc: ").x(c.resolve("eng2.first")).t(", ").x(c.resolve("exec.first")).t("\n")
    elif k < 0.8:
        b.t("Cc: ").x(c.resolve("eng2")).t(" <").x(c.resolve("eng2.email")).t(">\n")
    b.t("Date: ").x(c.ts_seg("rfc2822")).t("\n")
    b.t("Subject: ").r(subject_tpl).t("\n\n")


SIGN_TITLES = ["Staff Engineer", "Head of Platform", "Engineering Manager, SRE", "Incident Manager", "VP Engineering",
               "Site Reliability Engineer", "Director of Infrastructure", "Principal Engineer", "Support Lead"]


def signature(c, b, p):
    r = c.rng
    b.t("--\n").x(c.person_attr(p, r.choice(["full", "full", "first"]))).t("\n")
    b.t(r.choice(SIGN_TITLES) + ", ").x(c.resolve("org.name")).t("\n")
    if r.random() < 0.8:
        b.t(r.choice(["", "Mobile: ", "Tel: ", "m: "])).x(c.person_attr(p, "phone")).t("\n")


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------
def para(c, b, lists, k):
    """k sentences drawn from the split pools of the given template lists."""
    sents = []
    for _ in range(k):
        lst = c.rng.choice(lists)
        sents.append(c.rng.choice(c.pool(lst)))
    for i, s in enumerate(dict.fromkeys(sents)):
        if i:
            b.t(" ")
        b.r(s)
        if s[-1].isalnum() or s[-1] == "}":  # chat-style fragments get a full stop in prose
            b.t(".")
    b.t("\n\n")


def heading(c, b, text, style, level=2):
    if style == "md":
        b.t("#" * level + " " + text + "\n\n")
    elif style == "wiki":
        b.t(f"h{level}. {text}\n\n")
    elif style == "rst":
        b.t(text + "\n" + ("=" if level == 1 else "-") * len(text) + "\n\n")
    elif style == "caps":
        b.t(text.upper() + "\n\n")
    else:
        b.t(text + ":\n")


def bullets(c, b, templates, style="md"):
    mark = {"md": "- ", "wiki": "* ", "rst": "* ", "caps": "  * ", "plain": "  - "}.get(style, "- ")
    for t in templates:
        b.t(mark).r(t).t("\n")
    b.t("\n")


def timeline_entries(c, k):
    return c.pick(TP.TIMELINE, k)


def sec_timeline(c, b, style):
    r = c.rng
    k = r.randint(6, 12)
    ents = timeline_entries(c, k)
    kind = r.choice(["list", "list", "table", "iso", "tplus", "bold"])
    c.clock -= r.randint(5, 30)
    if kind == "table":
        b.t("| Time" + r.choice([" (UTC)", "", " (UTC)"]) + " | Event |\n|---|---|\n")
        for e in ents:
            b.t("| ").x(c.time_seg()).t(" | ").r(e).t(" |\n")
        b.t("\n")
    elif kind == "iso":
        for e in ents:
            b.t("- ").x(c.ts_seg(r.choice(["iso_z", "iso_utc"]))).t(" ").r(e).t("\n")
        b.t("\n")
    elif kind == "tplus":
        start = c.clock
        for e in ents:
            t = c.now_time()
            d = c.clock - start
            b.t("- ").e(f"T+{d // 60}:{d % 60:02d}", "DURATION", f"k:DURATION:T+{d // 60}:{d % 60:02d}").t(" (").e(t, "TIME", "t:" + t).t(") ").r(e).t("\n")
        b.t("\n")
    elif kind == "bold":
        for e in ents:
            b.t("**").x(c.time_seg()).t("** ").r(e).t("\n\n")
    else:
        dash = r.choice([" — ", " - ", ": ", " "])
        mark = "* " if style == "wiki" else "- "
        if r.random() < 0.3:
            b.t(mark).x(c.date_seg()).t("\n")
        for e in ents:
            b.t(mark).x(c.time_seg()).t(dash).r(e).t("\n")
        b.t("\n")


def sec_actions(c, b, style):
    r = c.rng
    acts = c.pick(TP.ACTIONS, r.randint(3, 6))
    kind = r.choice(["table", "table", "list", "checkbox"])
    owners = [c.role[k] for k in ("eng", "eng2", "oncall", "mgr", "ic")]

    def owner(p):
        return c.person_attr(p, r.choice(["handle", "full", "first", "ini", "email", "user"]))

    if kind == "table":
        b.t("| Ticket | Action | Owner | Due |\n|---|---|---|---|\n")
        spare = c.tickets[1:]
        r.shuffle(spare)
        for a in acts:
            tk = spare.pop() if spare and r.random() < 0.5 else f"{r.choice(c.tpref)}-{r.randint(10, 9999)}"
            b.t("| ").e(tk, "TICKET", f"tk{c.tickets.index(tk) + 1}" if tk in c.tickets else c.eid("tkx", tk))
            b.t(" | ").r(a).t(" | ").x(owner(r.choice(owners))).t(" | ")
            d2 = c.date + dt.timedelta(days=r.randint(7, 60))
            b.x(c.date_seg(d2, r.choice(["iso", "mon_short", "uk_long", "us_slash"]))).t(" |\n")
        b.t("\n")
    else:
        for a in acts:
            b.t("- [ ] " if kind == "checkbox" else ("* " if style == "wiki" else "- ")).r(a)
            b.t(" (").x(owner(r.choice(owners))).t(")")
            if r.random() < 0.5:
                tk = f"{r.choice(c.tpref)}-{r.randint(10, 9999)}"
                b.t(" ").e(tk, "TICKET", c.eid("tkx", tk))
            b.t("\n")
        b.t("\n")


def sec_meta(c, b, style):
    r = c.rng
    lines = []
    lines.append(("Date", lambda: b.x(c.date_seg())))
    lines.append(("Authors" if r.random() < 0.5 else "Author", lambda: b.x(c.resolve("author")).x(
        [(", ", None, None)] + c.resolve("eng2") if r.random() < 0.4 else [])))
    lines.append(("Incident", lambda: b.x(c.resolve("inc"))))
    lines.append(("Severity", lambda: b.t(c.sev)))
    lines.append(("Status", lambda: b.t(r.choice(["Draft", "Final", "In review", "Published internally"]))))
    if r.random() < 0.6:
        lines.append(("Incident commander", lambda: b.x(c.resolve(r.choice(["ic", "ic.handle"])))))
    if r.random() < 0.5:
        lines.append(("Services", lambda: b.x(c.resolve("svc")).t(", ").x(c.resolve("svc2"))))
    if r.random() < 0.5:
        def att():
            ps = r.sample(c.persons, min(len(c.persons), r.randint(3, 5)))
            form = r.choice(["ini", "ini", "full", "first"])
            for i, p in enumerate(ps):
                if i:
                    b.t(", ")
                b.x(c.person_attr(p, form))
        lines.append(("Attendees", att))
    if r.random() < 0.4:
        lines.append(("Channel", lambda: b.x(c.resolve("chan"))))
    if r.random() < 0.4:
        lines.append(("Team", lambda: b.x(c.resolve("org")).t(" " + r.choice(["SRE", "Platform", "Payments Engineering", "Infrastructure", "Core Services"]))))
    if r.random() < 0.3:
        lines.append(("Ticket", lambda: b.x(c.resolve("jiraurl"))))
    for k, fn in lines:
        if style == "wiki":
            b.t(f"* *{k}:* ")
        elif style == "md":
            b.t(f"- **{k}:** ")
        else:
            b.t(f"{k}: ")
        fn()
        b.t("\n")
    b.t("\n")


APPENDIX = [blk_json_logs, blk_syslog, blk_stack, blk_kubectl, blk_shell, blk_config, blk_config, blk_shell]

GITLEAKS_RULES = {"aws_key": ("aws-access-token", "aws_access_key_id = "), "github_pat": ("github-fine-grained-pat", "token: "),
                  "ghp": ("github-pat", "GITHUB_TOKEN="), "xoxb": ("slack-bot-token", "slack_token: "),
                  "stripe": ("stripe-access-token", "STRIPE_KEY="), "google": ("gcp-api-key", "mapsApiKey: "),
                  "jwt": ("jwt", "Authorization: Bearer "), "pem": ("private-key", ""),
                  "slack_webhook": ("slack-webhook-url", "webhook_url = ")}


def blk_gitleaks(c, b):
    r = c.rng
    b.t("Output of ").x(c.keep("CODE", "gitleaks detect")).t(" on the affected repository:\n\n```\n")
    for kind in r.sample(list(GITLEAKS_RULES), r.randint(1, 3)):
        rule, prefix = GITLEAKS_RULES[kind]
        v = secret_value(r, kind)
        ent = c.eid("s", v)
        if kind == "pem":
            b.t("Finding:     -----BEGIN ...\nSecret:      ").e(v, "SECRET", ent).t("\n")
        else:
            b.t("Finding:     " + prefix).e(v, "SECRET", ent).t("\nSecret:      ").e(v, "SECRET", ent).t("\n")
        b.t(f"RuleID:      {rule}\nEntropy:     {r.uniform(3.5, 5.9):.6f}\n")
        b.t("File:        " + r.choice(["deploy/.env.production", "config/prod.yaml", "scripts/backfill.py",
                                         "k8s/secrets.yaml", "terraform/main.tf", "docs/debugging.md"]) + "\n")
        b.t(f"Line:        {r.randint(2, 180)}\nCommit:      {hexid(r, 40)}\n")
        p = r.choice(c.persons)
        b.t("Author:      ").x(c.person_attr(p, "full")).t("\nEmail:       ").x(c.person_attr(p, "email")).t("\n")
        b.t("Date:        ").e(f"{c.date.isoformat()}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}Z", "DATE", "d:" + c.date.isoformat()).t("\n\n")
    b.t("```\n")


APPENDIX.append(blk_gitleaks)


def blk_contacts(c, b):
    r = c.rng
    b.t("| Role | Name | Phone | Contact |\n|---|---|---|---|\n")
    seen = set()
    for role, label in r.sample([("ic", "Incident commander"), ("oncall", "Primary on-call"), ("eng2", "Secondary on-call"),
                                 ("mgr", "Engineering manager"), ("exec", "Executive sponsor"), ("author", "Scribe")], r.randint(3, 5)):
        p = c.role[role]
        if p.pid in seen:
            continue
        seen.add(p.pid)
        b.t(f"| {label} | ").x(c.person_attr(p, r.choice(["full", "full", "first"]))).t(" | ").x(c.person_attr(p, "phone"))
        b.t(" | ").x(c.person_attr(p, r.choice(["email", "handle"]))).t(" |\n")
    b.t("| Bridge | - | ").x(c.resolve("bridge")).t(" | ").x(c.resolve("teammail")).t(" |\n\n")


def blk_resources(c, b):
    r = c.rng
    items = [lambda: b.t("AWS account: ").e(c.acct, "CLOUD_ACCOUNT", "acct"),
             lambda: b.t("Role: ").x(c.resolve("arn")),
             lambda: b.t("GCP project: ").e(c.gcp, "CLOUD_ACCOUNT", "gcp"),
             lambda: b.t("Azure subscription: ").e(c.azsub, "CLOUD_ACCOUNT", "azsub"),
             lambda: b.t("Database: ").x(c.resolve("dbhost")).t(" (").x(c.resolve("dbv")).t(")"),
             lambda: b.t("Namespace: ").x(c.resolve("ns")),
             lambda: b.t("Node: ").x(c.resolve("node")),
             lambda: b.t("Subnet: ").x(c.resolve("cidr")).t(", gateway ").x(c.resolve("ipp2")),
             lambda: b.t("Public endpoint: ").x(c.resolve(r.choice(["ip", "ip6"]))).t(" (").x(c.resolve("host")).t(")"),
             lambda: b.t("Egress NAT: ").e(f"{c.ips[1]}/32", "IP_PUBLIC", "ip2"),
             lambda: b.t("Region: ").x(c.resolve("region")).t(", failover ").x(c.resolve("region2")),
             lambda: b.t("Cluster: ").x(c.resolve("orchv"))]
    for fn in r.sample(items, r.randint(4, 7)):
        b.t("- ")
        fn()
        b.t("\n")
    b.t("\n")


def ext_heading(c, b, text):
    heading(c, b, text, c.hstyle if c.hstyle != "plain" else "none")
    if c.hstyle == "plain":
        b.t("\n")


def extend(c, b, target):
    """Append extra sections until the document reaches its target length."""
    r = c.rng
    exts = [
        ("Discussion", lambda: para(c, b, [TP.CONTRIB, TP.LESSONS, TP.REFLECT], r.randint(3, 6))),
        ("Appendix: additional evidence", lambda: r.choice(APPENDIX)(c, b)),
        ("Excerpt from the incident channel", lambda: blk_chat(c, b)),
        ("Customer communication", lambda: (para(c, b, [TP.EMAIL_BODY], r.randint(2, 3)),
                                            bullets(c, b, c.pick(TP.IMPACT, r.randint(2, 3)), "md"))),
        ("Open questions", lambda: bullets(c, b, c.pick(TP.WHY_Q, r.randint(3, 5)), "md")),
        ("Contacts", lambda: blk_contacts(c, b)),
        ("Affected resources", lambda: blk_resources(c, b)),
        ("What could have been worse", lambda: bullets(c, b, c.pick(TP.NEARMISS, r.randint(2, 4)), "md")),
        ("Background", lambda: para(c, b, [TP.BACKGROUND], r.randint(2, 4))),
        ("Detailed timeline", lambda: sec_timeline(c, b, "md")),
        ("Technical deep dive", lambda: (para(c, b, [c.scen["rc"], TP.CONTRIB], r.randint(2, 4)),
                                         b.t("Reference: ").x(c.resolve("puburl")).t("\n\n"))),
        ("Detection details", lambda: para(c, b, [TP.DETECTION], r.randint(2, 4))),
        ("Recovery details", lambda: para(c, b, [c.scen["res"], TP.RESOLUTION_GENERIC], r.randint(2, 4))),
    ]
    r.shuffle(exts)
    i = 0
    while b.words() < target and i < len(exts):
        title, fn = exts[i]
        ext_heading(c, b, title)
        fn()
        if r.random() < 0.3:
            sprinkle_ordinary(c, b, 1)
        i += 1



def sprinkle_ordinary(c, b, k):
    """Ordinary-word sentences; prefer ones that use, as plain words, the given names of people in this doc."""
    pool = c.pool(TP.ORDINARY)
    words = [p.first for p in c.persons if p.ambiguous]
    chosen = []
    for w in words:
        hits = [t for t in pool if re.search(r"\b" + w + r"\b", t, re.I) and t not in chosen]
        if hits and not getattr(c, "_amb_done", False):
            chosen.append(c.rng.choice(hits))
    c._amb_done = True
    rest = [t for t in pool if t not in chosen]
    chosen += c.rng.sample(rest, max(0, k - len(chosen)))
    for s in chosen:
        b.r(s).t(" ")
    b.t("\n\n")


# ---------------------------------------------------------------------------
# Document shapes
# ---------------------------------------------------------------------------
def shape_classic(c, b, style="md"):
    r = c.rng
    c.hstyle = style
    title = B(c).r(r.choice(c.pool(TP.TITLES))).segs
    if style == "md":
        b.t("# ").x(title).t("\n\n")
    elif style == "wiki":
        b.t("h1. ").x(title).t("\n\n")
    else:
        b.x(title).t("\n" + "=" * 40 + "\n\n")
    sec_meta(c, b, style)
    heading(c, b, r.choice(["Summary", "Executive summary", "Overview", "TL;DR"]), style)
    para(c, b, [TP.SUMMARY], r.randint(2, 4))
    if r.random() < 0.6:
        heading(c, b, r.choice(["Background", "Context", "System overview"]), style)
        para(c, b, [TP.BACKGROUND], r.randint(2, 3))
    heading(c, b, r.choice(["Impact", "Customer impact", "User impact"]), style)
    if r.random() < 0.3:
        b.t("| Measure | Value |\n|---|---|\n| Duration | ").x(c.resolve("dur")).t(" |\n| Peak error rate | ").x(c.resolve("pct"))
        b.t(" |\n| Affected | ").x(c.resolve("scale")).t(" |\n| Region | ").x(c.resolve("region")).t(" |\n\n")
    bullets(c, b, c.pick(TP.IMPACT, r.randint(2, 5)), style)
    heading(c, b, r.choice(["Detection", "How we found out", "Detection and response"]), style)
    para(c, b, [TP.DETECTION], r.randint(1, 3))
    heading(c, b, r.choice(["Timeline", "Timeline (UTC)", "Sequence of events"]), style)
    sec_timeline(c, b, style)
    heading(c, b, r.choice(["Root cause", "Root cause analysis", "What went wrong technically", "Cause"]), style)
    for s in c.pick(c.scen["rc"], r.randint(2, 3)):
        b.r(s).t("\n\n")
    if r.random() < 0.5:
        b.t("See also ").x(c.resolve("puburl")).t(".\n\n")
    if r.random() < 0.6:
        heading(c, b, r.choice(["Contributing factors", "Contributing conditions", "Why it got worse"]), style)
        bullets(c, b, c.pick(TP.CONTRIB, r.randint(2, 4)), style)
    heading(c, b, r.choice(["Resolution", "Mitigation and recovery", "Recovery"]), style)
    for s in c.pick(c.scen["res"], r.randint(1, 2)):
        b.r(s).t(" ")
    para(c, b, [TP.RESOLUTION_GENERIC], r.randint(1, 2))
    if r.random() < 0.7:
        heading(c, b, r.choice(["What went well and what didn't", "Reflections", "Retrospective notes"]), style)
        bullets(c, b, c.pick(TP.REFLECT, r.randint(3, 5)), style)
    sprinkle_ordinary(c, b, r.randint(1, 3))
    if r.random() < 0.5:
        heading(c, b, r.choice(["Lessons learned", "Takeaways", "What we learned"]), style)
        bullets(c, b, c.pick(TP.LESSONS, r.randint(2, 4)), style)
    heading(c, b, r.choice(["Action items", "Follow-up actions", "Remediation"]), style)
    sec_actions(c, b, style)
    if r.random() < 0.85:
        heading(c, b, r.choice(["Appendix", "Appendix: logs and config", "Supporting data", "Evidence"]), style)
        for fn in r.sample(APPENDIX, r.randint(1, 2)):
            fn(c, b)
            b.t("\n")


def shape_wiki(c, b):
    shape_classic(c, b, "wiki")


def shape_rst(c, b):
    shape_classic(c, b, "rst")


def shape_near_miss(c, b):
    r = c.rng
    c.hstyle = r.choice(["md", "caps"])
    b.t(r.choice(["# Near-miss report: ", "NEAR-MISS REPORT: ", "## Near miss: "])).r(r.choice(c.pool(c.scen["cause"]))).t("\n\n")
    b.t("Reported by: ").x(c.resolve(r.choice(["author", "author.handle"]))).t("\nDate: ").x(c.date_seg()).t("\n")
    b.t("Team: ").x(c.resolve("svc")).t(" owners\nCustomer impact: none\n\n")
    b.t(r.choice(["## What happened\n\n", "WHAT HAPPENED\n\n", "What happened:\n"]))
    para(c, b, [TP.SUMMARY, TP.DETECTION], r.randint(2, 3))
    for s in c.pick(c.scen["rc"], r.randint(1, 2)):
        b.r(s).t(" ")
    b.t("\n\n")
    b.t(r.choice(["## What could have happened\n\n", "WHAT COULD HAVE HAPPENED\n\n", "Potential impact:\n"]))
    bullets(c, b, c.pick(TP.NEARMISS, r.randint(2, 4)))
    b.t(r.choice(["## Why it did not\n\n", "WHY IT DID NOT\n\n", "Why it didn't:\n"]))
    for s in c.pick(c.scen["res"], 1):
        b.r(s).t(" ")
    para(c, b, [TP.REFLECT], r.randint(1, 3))
    if r.random() < 0.5:
        sec_timeline(c, b, "md")
    if r.random() < 0.6:
        r.choice(APPENDIX)(c, b)
        b.t("\n")
    sprinkle_ordinary(c, b, r.randint(1, 2))
    b.t(r.choice(["## Follow-up\n\n", "FOLLOW-UP\n\n", "Follow-up:\n"]))
    sec_actions(c, b, "md")


def shape_email(c, b):
    r = c.rng
    c.hstyle = "plain"
    sender = c.role["author"]
    subj = c.pick(TP.EMAIL_SUBJECTS, 2)
    email_headers(c, b, sender, subj[0])
    b.r(r.choice(c.pool(TP.EMAIL_OPEN))).t("\n\n")
    para(c, b, [TP.EMAIL_BODY], r.randint(2, 3))
    para(c, b, [TP.SUMMARY, TP.IMPACT], r.randint(2, 4))
    b.t(r.choice(["Timeline (UTC):\n", "Rough timeline:\n", "Key times:\n"]))
    for e in timeline_entries(c, r.randint(4, 8)):
        b.t("  ").x(c.time_seg()).t("  ").r(e).t("\n")
    b.t("\n")
    for s in c.pick(c.scen["rc"], r.randint(1, 2)):
        b.r(s).t(" ")
    b.t("\n\n")
    para(c, b, [TP.EMAIL_BODY, TP.LESSONS], r.randint(2, 4))
    sprinkle_ordinary(c, b, r.randint(1, 2))
    if r.random() < 0.5:
        b.t("Relevant log excerpt:\n\n")
        r.choice([blk_json_logs, blk_syslog, blk_stack])(c, b)
        b.t("\n")
    b.t("Next steps:\n")
    sec_actions(c, b, "plain")
    para(c, b, [TP.EMAIL_BODY], 1)
    b.t(r.choice(c.pool(TP.EMAIL_CLOSE)) + "\n")
    signature(c, b, sender)
    if r.random() < 0.4:
        b.t("\n-----Original Message-----\n")
        other = c.role["mgr"]
        email_headers(c, b, other, subj[-1])
        b.r(r.choice(c.pool(TP.EMAIL_OPEN))).t("\n\n")
        para(c, b, [TP.EMAIL_BODY, TP.IMPACT], r.randint(2, 3))
        b.t(r.choice(c.pool(TP.EMAIL_CLOSE)) + "\n").x(c.person_attr(other, "first")).t("\n")


def shape_slack(c, b):
    r = c.rng
    b.t(r.choice(["# Slack export: ", "Channel export: ", "## Incident channel log: "])).x(c.resolve("chan")).t("\n\n")
    b.t("Exported by ").x(c.resolve(r.choice(["author", "author.handle"]))).t(" on ").x(c.date_seg(c.date2)).t(". ")
    para(c, b, [TP.SUMMARY], r.randint(1, 2))
    blk_chat(c, b, r.randint(12, 24))
    b.t("\n")
    if r.random() < 0.6:
        b.t(r.choice(["### Notes\n\n", "Notes from the bridge:\n\n"]))
        para(c, b, [TP.DETECTION, TP.CONTRIB, TP.RESOLUTION_GENERIC], r.randint(2, 4))
    for s in c.pick(c.scen["rc"], 1):
        b.r(s).t("\n\n")
    if r.random() < 0.5:
        r.choice(APPENDIX)(c, b)
        b.t("\n")
    sprinkle_ordinary(c, b, r.randint(1, 2))
    b.t(r.choice(["### Follow-ups\n\n", "Follow-ups:\n"]))
    sec_actions(c, b, "md")


def shape_jira(c, b):
    r = c.rng
    c.hstyle = "plain"
    b.t("Issue: ").x(c.resolve("ticket")).t("\nSummary: ").r(r.choice(c.pool(TP.TITLES))).t("\n")
    b.t("Type: " + r.choice(["Incident", "Postmortem", "Problem"]) + "\nPriority: " + r.choice(["Highest", "High", "P1", "Critical"]) + "\n")
    b.t("Reporter: ").x(c.resolve("oncall")).t("\nAssignee: ").x(c.resolve("eng")).t("\nCreated: ").x(c.ts_seg(r.choice(["iso_utc", "iso_z"])))
    b.t("\nLabels: postmortem, " + c.funcs[0] + "\nLink: ").x(c.resolve("jiraurl")).t("\n\nDescription:\n")
    para(c, b, [TP.SUMMARY, TP.IMPACT], r.randint(2, 4))
    for s in c.pick(c.scen["rc"], r.randint(1, 2)):
        b.r(s).t(" ")
    b.t("\n\n")
    b.t("{code}\n" if r.random() < 0.5 else "")
    r.choice(APPENDIX)(c, b)
    b.t("\nComments:\n\n")
    people = [c.role[k] for k in ("ic", "eng", "eng2", "mgr", "oncall")]
    for _ in range(r.randint(3, 6)):
        p = r.choice(people)
        b.x(c.person_attr(p, r.choice(["full", "full", "user"]))).t(" added a comment - ").x(c.date_seg(c.date, r.choice(["uk_long", "iso", "mon_short"])))
        b.t(" ").x(c.time_seg()).t("\n")
        para(c, b, [TP.CHAT, TP.EMAIL_BODY, TP.RESOLUTION_GENERIC, TP.CONTRIB], r.randint(1, 2))
    sprinkle_ordinary(c, b, 1)
    b.t("Sub-tasks:\n")
    sec_actions(c, b, "plain")


def shape_prose(c, b):
    r = c.rng
    c.hstyle = "caps"
    b.r(r.choice(c.pool(TP.TITLES))).t("\n\n")
    b.t("Written by ").x(c.resolve(r.choice(["author", "author.first"]))).t(", ").x(c.date_seg(c.date2)).t(".\n\n")
    para(c, b, [TP.BACKGROUND], r.randint(1, 3))
    para(c, b, [TP.SUMMARY], r.randint(2, 4))
    para(c, b, [TP.DETECTION, TP.TIMELINE], r.randint(2, 4))
    for s in c.pick(c.scen["rc"], r.randint(2, 3)):
        b.r(s).t(" ")
    b.t("\n\n")
    para(c, b, [TP.CONTRIB], r.randint(1, 3))
    para(c, b, [TP.IMPACT], r.randint(1, 3))
    for s in c.pick(c.scen["res"], r.randint(1, 2)):
        b.r(s).t(" ")
    b.t("\n\n")
    if r.random() < 0.4:
        b.t("The relevant output was:\n\n")
        r.choice(APPENDIX)(c, b)
        b.t("\n")
    para(c, b, [TP.LESSONS, TP.ORDINARY], r.randint(2, 4))
    para(c, b, [TP.REFLECT, TP.NEARMISS], r.randint(1, 3))


def shape_fivewhys(c, b):
    r = c.rng
    b.t("# ").r(r.choice(c.pool(TP.TITLES))).t("\n\n")
    sec_meta(c, b, "md")
    b.t("## Summary\n\n")
    para(c, b, [TP.SUMMARY], r.randint(2, 3))
    b.t("## Five whys\n\n")
    answers = c.pool(c.scen["rc"]) + c.pool(TP.CONTRIB)
    qs = c.pick(TP.WHY_Q, 5)
    for i, q in enumerate(qs):
        b.t(f"{i + 1}. **").r(q).t("** ").r(r.choice(answers)).t("\n")
    b.t("\n## Timeline\n\n")
    sec_timeline(c, b, "md")
    if r.random() < 0.7:
        b.t("## Evidence\n\n")
        r.choice(APPENDIX)(c, b)
        b.t("\n")
    b.t("## Lessons\n\n")
    bullets(c, b, c.pick(TP.LESSONS, r.randint(2, 4)))
    sprinkle_ordinary(c, b, r.randint(1, 2))
    b.t("## Actions\n\n")
    sec_actions(c, b, "md")


def shape_status(c, b):
    r = c.rng
    b.t("# ").r(r.choice(c.pool(TP.TITLES))).t("\n\n## Public status updates\n\n")
    stages = ["Investigating", "Identified", "Monitoring", "Resolved"]
    for st in stages:
        b.t(f"**{st}** - ")
        if st == "Investigating":
            b.t("We are investigating elevated errors affecting ").x(c.resolve("prod")).t(". ")
        elif st == "Identified":
            b.t("The issue has been identified and a fix is being implemented. ")
        elif st == "Monitoring":
            b.t("A fix has been implemented and we are monitoring the results. ")
        else:
            b.t("This incident has been resolved. ")
        b.t("Posted ").x(c.date_seg(c.date, r.choice(["us_long", "mon_short"]))).t(" - ").x(c.time_seg()).t("\n\n")
    b.t("## Internal notes\n\n")
    para(c, b, [TP.SUMMARY, TP.DETECTION], r.randint(2, 4))
    sec_timeline(c, b, "md")
    for s in c.pick(c.scen["rc"], r.randint(1, 2)):
        b.r(s).t(" ")
    b.t("\n\n")
    if r.random() < 0.5:
        blk_chat(c, b, r.randint(5, 9))
        b.t("\n")
    sprinkle_ordinary(c, b, r.randint(1, 2))
    b.t("## Follow-up\n\n")
    sec_actions(c, b, "md")


SHAPES = [shape_classic, shape_classic, shape_wiki, shape_rst, shape_near_miss, shape_email, shape_slack, shape_jira,
          shape_prose, shape_fivewhys, shape_status]


# ---------------------------------------------------------------------------
# Control documents
# ---------------------------------------------------------------------------
class ControlCtx(Ctx):
    """Minimal context: only keep literals are allowed in control templates."""

    def __init__(self, rng, split):
        self.rng, self.split = rng, split

    def resolve(self, key):
        if ":" in key and key.split(":", 1)[0] in KEEP_ABBR:
            ab, lit = key.split(":", 1)
            return self.keep(KEEP_ABBR[ab], lit)
        raise KeyError("control templates may only use keep literals: " + key)


def make_control(rng, split):
    c = ControlCtx(rng, split)
    b = B(c)
    r = rng
    topics = r.sample(list(TP.CONTROL), len(TP.CONTROL))
    target = r.randint(320, 960)
    style = r.choice(["md", "md", "rst", "plain"])
    title = r.choice(c.pool(TP.CONTROL_TITLES) + c.pool(TP.CONTROL_HEADINGS[topics[0]]))
    b.t(("# " if style == "md" else "") + title + "\n" + ("=" * len(title) + "\n" if style == "rst" else "") + "\n")
    for tpc in topics:
        if b.words() >= target:
            break
        pool = c.pool(TP.CONTROL[tpc])
        h = r.choice([x for x in c.pool(TP.CONTROL_HEADINGS[tpc]) if x != title] or ["Notes"])
        if style == "md":
            b.t("## " + h + "\n\n")
        elif style == "rst":
            b.t(h + "\n" + "-" * len(h) + "\n\n")
        else:
            b.t(h + "\n\n")
        sents = r.sample(pool, min(len(pool), r.randint(4, 9)))
        cut = r.randint(2, len(sents) - 2) if len(sents) > 4 else len(sents)
        for chunk in (sents[:cut], sents[cut:]):
            if not chunk:
                continue
            if r.random() < 0.25:
                for s_ in chunk:
                    b.t("- ").r(s_).t("\n")
                b.t("\n")
            else:
                for j, s_ in enumerate(chunk):
                    b.t(" " if j else "").r(s_)
                b.t("\n\n")
        if r.random() < 0.45:
            blk = r.choice(c.pool(TP.CONTROL_CODE_BLOCKS[tpc]))
            b.t("```\n")
            for line in blk:
                b.r(line).t("\n")
            b.t("```\n\n")
    return b


# ---------------------------------------------------------------------------
# Assembly and checks
# ---------------------------------------------------------------------------
def segs_to_doc(segs):
    parts, spans, pos_b, pos_c = [], [], 0, 0
    for s, label, ent in segs:
        if not s:
            continue
        nb = len(s.encode("utf-8"))
        if label:
            spans.append({"start": pos_b, "end": pos_b + nb, "label": label, "class": CLASS[label], "entity": ent,
                          "_c0": pos_c, "_c1": pos_c + len(s), "_s": s})
        parts.append(s)
        pos_b += nb
        pos_c += len(s)
    return "".join(parts), spans


LEAK_PATTERNS = [
    ("url", re.compile(r"https?://[^\s/]")),
    ("email", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]*\w")),
    ("ipv4", re.compile(r"(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w.])")),
    ("isodate", re.compile(r"\b(19|20)\d\d[-/][01]\d[-/][0-3]\d\b")),
    ("slashdate", re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.](19|20)\d\d\b")),
    ("monthday", re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? +\d{1,2}\b")),
    ("dayof", re.compile(r"\b\d{1,2}(st|nd|rd|th) (of )?(January|February|March|April|May|June|July|August|September|October|November|December)")),
    ("time", re.compile(r"(?<![\w:+.])\d{1,2}:\d{2}(?![\d])")),
    ("secret", re.compile(r"AKIA[A-Z0-9]{8}|ghp_|github_pat_|xox[bp]-|sk_live_|rk_live_|AIza[\w-]{10}|eyJ[\w-]{8}|PRIVATE KEY")),
    ("handle", re.compile(r"(?<![\w.@/])@[A-Za-z]")),
    ("channel", re.compile(r"(?<![\w&/#])#[a-z][\w-]+")),
    ("ticket", re.compile(r"\b(?!SHA-|AES-|ISO-|RFC-|UTF-|CVE-|SEV-\d\b|TLS-|HTTP-|P-)[A-Z][A-Z0-9]{1,6}-\d{2,}\b")),
    ("snow", re.compile(r"\b(INC|CHG|RITM|PRB)\d{5,}\b")),
    ("acct12", re.compile(r"(?<!\d)\d{12}(?!\d)")),
    ("guid", re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")),
]


def word_re(w, ci):
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(w) + r"(?![A-Za-z0-9])", re.I if ci else 0)


def check_doc(doc, ctx):
    text = doc["text"]
    tb = text.encode("utf-8")
    prev_end = -1
    for s in doc["spans"]:
        got = tb[s["start"]:s["end"]].decode("utf-8")
        assert got == s["_s"], (doc["id"], got, s)
        assert got == got.strip() and got, (doc["id"], "untight", s)
        assert s["start"] >= prev_end, (doc["id"], "overlap", s)
        if s["label"] not in ("SECRET", "ERROR", "PUBLIC_URL", "CODE", "URL", "PHONE"):
            assert got[-1] not in ",;:." and got[0] not in "(\"'[", (doc["id"], "punct", s)
        prev_end = s["end"]
    # leak check on unlabelled text
    masked = list(text)
    for s in doc["spans"]:
        for i in range(s["_c0"], s["_c1"]):
            masked[i] = " "
    masked = "".join(masked)
    problems = []
    for name, pat in LEAK_PATTERNS:
        for m in pat.finditer(masked):
            problems.append((name, m.group(0), masked[max(0, m.start() - 40):m.end() + 40]))
    if ctx is not None:
        words = set()
        prof = ctx.prof
        for w in [prof["name"]] + prof["aliases"] + prof["products"] + prof["customers"] + prof["slugs"] + prof["typos"]:
            if len(w) >= 3:
                words.add((w, len(w) > 3))
        for d in prof["domains"]:
            words.add((d, True))
        for p in ctx.persons:
            words.add((p.full, False))
            if len(p.last) >= 4:
                words.add((p.last, False))
            if not p.ambiguous:
                words.add((p.first, False))
            if not p.ambiguous:
                words.add((p.user, False))
        for name, _ in ctx.comps:
            words.add((name, False))
        for w, ci in words:
            for m in word_re(w, ci).finditer(masked):
                problems.append(("dict:" + w, m.group(0), masked[max(0, m.start() - 40):m.end() + 40]))
    return problems


def finalize(doc_id, kind, split, prof, segs, ctx):
    text, spans = segs_to_doc(segs)
    slugs = set()
    if prof:
        slugs = {ident(s) for s in prof["slugs"]} | {ident(p) for p in prof["products"]} | {ident(prof["name"])}
        slugs = {s for s in slugs if len(s) >= 3}
    doc = {"id": doc_id, "kind": kind, "split": split,
           "profile": ({"name": prof["name"], "aliases": prof["aliases"], "domains": prof["domains"],
                        "products": prof["products"], "customers": prof["customers"]} if prof else None),
           "text": text, "spans": spans}
    problems = check_doc(doc, ctx)
    for s in spans:
        if s["label"] in CONTAINER_LABELS and slugs and any(x in ident(s["_s"]) for x in slugs):
            s["embeds_org"] = True
    return doc, problems


def strip_private(doc):
    doc["spans"] = [{k: v for k, v in s.items() if not k.startswith("_")} for s in doc["spans"]]
    return doc


def make_postmortem(seed_rng, idx, split):
    base_seed = seed_rng.randrange(2 ** 31)
    prof = LX.PROFILES[idx % len(LX.PROFILES)]
    for attempt in range(200):
        r = random.Random(base_seed * 1000 + attempt)
        scen = r.choice(SC.SCENARIOS)
        ctx = Ctx(r, split, prof, scen)
        b = B(ctx)
        shape = SHAPES[(idx * 7 + attempt) % len(SHAPES)] if attempt < 3 else r.choice(SHAPES)
        target = r.choice([r.randint(300, 600), r.randint(500, 1000), r.randint(800, 1450)])
        shape(ctx, b)
        if b.words() < target:
            extend(ctx, b, target)
        wc = b.words()
        if 300 <= wc <= 1500:
            doc, problems = finalize(f"pm-{idx + 1:04d}", "postmortem", split, prof, b.segs, ctx)
            doc["_shape"], doc["_scenario"], doc["_words"] = shape.__name__[6:], scen["key"], wc
            return doc, problems
    raise RuntimeError("could not reach word range")


def make_control_doc(seed_rng, idx, split):
    base_seed = seed_rng.randrange(2 ** 31)
    for attempt in range(200):
        r = random.Random(base_seed * 1000 + attempt)
        b = make_control(r, split)
        wc = b.words()
        if 300 <= wc <= 1000:
            doc, problems = finalize(f"ctl-{idx + 1:04d}", "control", split, None, b.segs, None)
            # controls must contain no identifier-class spans at all
            bad = [s for s in doc["spans"] if s["class"] != "keep"]
            assert not bad, bad
            doc["_shape"], doc["_scenario"], doc["_words"] = "control", None, wc
            return doc, problems
    raise RuntimeError("control word range")


def lint_templates():
    """Render every template once (both splits) to catch unknown placeholders."""
    r = random.Random(1)
    for split in ("dev", "heldout"):
        for prof in LX.PROFILES:
            for scen in SC.SCENARIOS:
                c = Ctx(random.Random(r.random()), split, prof, scen)
                for f in ("cause", "rc", "fix", "res"):
                    for t in scen[f]:
                        c.render(t)
            break
    c = Ctx(random.Random(2), "dev", LX.PROFILES[0], SC.SCENARIOS[0])
    for name in dir(TP):
        v = getattr(TP, name)
        if isinstance(v, list) and v and isinstance(v[0], str) and name.isupper() and not name.startswith("CONTROL"):
            for t in v:
                c.render(t)
    cc = ControlCtx(random.Random(3), "dev")
    for lst in TP.CONTROL.values():
        for t in lst:
            cc.render(t)
    for blks in TP.CONTROL_CODE_BLOCKS.values():
        for blk in blks:
            for t in blk:
                cc.render(t)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", default=os.path.join(HERE, "corpus.jsonl"))
    ap.add_argument("--postmortems", type=int, default=210)
    ap.add_argument("--controls", type=int, default=44)
    a = ap.parse_args()

    lint_templates()
    TEMPLATE_USE.clear()
    rng = random.Random(a.seed)
    n_pm, n_ct = a.postmortems, a.controls
    pm_splits = ["dev"] * round(n_pm * 0.6) + ["heldout"] * (n_pm - round(n_pm * 0.6))
    ct_splits = ["dev"] * round(n_ct * 0.6) + ["heldout"] * (n_ct - round(n_ct * 0.6))
    rng.shuffle(pm_splits)
    rng.shuffle(ct_splits)

    docs, all_problems = [], []
    for i, sp in enumerate(pm_splits):
        d, p = make_postmortem(rng, i, sp)
        docs.append(d)
        all_problems += [(d["id"],) + x for x in p]
    for i, sp in enumerate(ct_splits):
        d, p = make_control_doc(rng, i, sp)
        docs.append(d)
        all_problems += [(d["id"],) + x for x in p]

    if all_problems:
        for pr in all_problems[:60]:
            print("LEAK?", pr, file=sys.stderr)
        raise SystemExit(f"{len(all_problems)} unlabelled identifier-like strings found; fix templates")

    both = [t for t, sp in TEMPLATE_USE.items() if len(sp) > 1]
    assert not both, f"templates used in both splits: {both[:5]}"

    # ---- summary ---------------------------------------------------------
    by_label = collections.defaultdict(collections.Counter)
    ents = collections.defaultdict(collections.Counter)
    tech = set()
    shapes, scen_c, words = collections.Counter(), collections.Counter(), collections.defaultdict(list)
    misspell = 0
    for d in docs:
        key = f"{d['kind']}/{d['split']}"
        shapes[d["_shape"]] += 1
        if d["_scenario"]:
            scen_c[d["_scenario"]] += 1
        words[d["kind"]].append(d["_words"])
        seen = set()
        for s in d["spans"]:
            by_label[s["label"]][d["split"]] += 1
            if (s["label"], s["entity"]) not in seen:
                seen.add((s["label"], s["entity"]))
                ents[s["label"]][d["split"]] += 1
            if s["label"] == "TECH":
                tech.add(s["_s"].lower())
        if d["profile"] and any(s["label"] == "ORG" and s["_s"] in next(p for p in LX.PROFILES if p["name"] == d["profile"]["name"])["typos"]
                                for s in d["spans"]):
            misspell += 1
    with open(a.out, "w", encoding="utf-8") as f:
        for d in docs:
            for k in ("_shape", "_scenario", "_words"):
                d.pop(k)
            f.write(json.dumps(strip_private(d), ensure_ascii=False) + "\n")

    kinds = collections.Counter((d["kind"], d["split"]) for d in docs)
    print(f"wrote {len(docs)} documents to {a.out} (seed {a.seed})")
    for (k, s), n in sorted(kinds.items()):
        print(f"  {k:10s} {s:8s} {n}")
    for k, ws in words.items():
        print(f"  words {k}: min {min(ws)} max {max(ws)} mean {sum(ws) // len(ws)}")
    print(f"  shapes: {dict(shapes)}")
    used = collections.Counter(next(iter(sp)) for sp in TEMPLATE_USE.values())
    print(f"  distinct templates used: dev {used['dev']}, heldout {used['heldout']}, shared 0")
    print(f"  scenarios: {len(scen_c)} distinct; misspelled-org docs: {misspell}; distinct TECH: {len(tech)}")
    print(f"\n{'label':18s} {'class':7s} {'dev':>6s} {'heldout':>8s} {'total':>7s}   entities dev/heldout")
    for lab in sorted(by_label, key=lambda x: (["direct", "quasi", "keep"].index(CLASS[x]), x)):
        c = by_label[lab]
        print(f"{lab:18s} {CLASS[lab]:7s} {c['dev']:6d} {c['heldout']:8d} {c['dev'] + c['heldout']:7d}   {ents[lab]['dev']}/{ents[lab]['heldout']}")
    tot = collections.Counter()
    for c in by_label.values():
        tot.update(c)
    print(f"{'ALL':18s} {'':7s} {tot['dev']:6d} {tot['heldout']:8d} {tot['dev'] + tot['heldout']:7d}")
    assert len(tech) >= 80, f"only {len(tech)} distinct TECH"


if __name__ == "__main__":
    main()
