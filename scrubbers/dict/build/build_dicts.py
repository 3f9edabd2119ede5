#!/usr/bin/env python3
"""Build the redaction dictionaries in scrubbers/dict/ from packaged sources.

Run offline once the inputs are installed (see ../SOURCES.md):

    python3 -m venv /tmp/dictvenv
    /tmp/dictvenv/bin/pip install Faker==40.54.0 wordfreq==3.1.1 pytickersymbols==1.17.10
    apt-get install -y scowl                       # /usr/share/dict/scowl/*
    (cd /tmp/npmdl && npm pack name-suggestion-index@8.0.20260918 \
        && mkdir -p nsi && tar xzf name-suggestion-index-8.0.20260918.tgz -C nsi)
    /tmp/dictvenv/bin/python scrubbers/dict/build/build_dicts.py \
        --nsi /tmp/npmdl/nsi/package

The product never runs this script: it only reads the generated .txt files.
"""
import argparse
import importlib
import json
import os
import pkgutil
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CURATED = os.path.join(HERE, "curated")
OUT = os.path.dirname(HERE)
SCOWL = "/usr/share/dict/scowl"


# ---------------------------------------------------------------- helpers

def nfc(s):
    return unicodedata.normalize("NFC", s)


def is_latin(s):
    for ch in s:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if not name.startswith("LATIN"):
                return False
    return True


def read_curated(name, split_words=True):
    """Read a curated input; '#' starts a comment line. With split_words, every
    whitespace-separated token is an entry, else every line is one."""
    out = []
    with open(os.path.join(CURATED, name), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if split_words:
                out.extend(line.split())
            else:
                out.append(line)
    return [nfc(x) for x in out]


def best_case(forms):
    """Of spellings that differ only in case keep the one with most capitals
    (McKinney over Mckinney, D'Hondt over D'hondt)."""
    return max(forms, key=lambda f: (sum(c.isupper() for c in f), f))


def dedupe_case(items):
    groups = {}
    for it in items:
        groups.setdefault(it.casefold(), []).append(it)
    return {best_case(v) for v in groups.values()}


def write_list(name, items):
    items = sorted(set(items))  # code-point order, the same as `LC_ALL=C sort`
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        for it in items:
            f.write(it + "\n")
    print(f"{name}: {len(items)}", file=sys.stderr)
    return items


# ------------------------------------------------------- transliteration

RU = dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye"))
RU.update({"ё": "yo", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
           "щ": "shch", "ъ": "", "ь": "", "ю": "yu", "я": "ya"})

UK = dict(zip("абвгґдезиіклмнопрстуф", "abvhgdezyiklmnoprstuf"))
UK.update({"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
           "ь": "", "'": "", "’": "", "ʼ": ""})
UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
UK_MEDIAL = {"є": "ie", "ї": "i", "й": "i", "ю": "iu", "я": "ia"}

BG = dict(zip("абвгдезийклмнопрстуф", "abvgdeziyklmnoprstuf"))
BG.update({"ж": "zh", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht",
           "ъ": "a", "ь": "y", "ю": "yu", "я": "ya"})

MK = dict(zip("абвгдезиклмнопрстуфј", "abvgdeziklmnoprstufj"))
MK.update({"ѓ": "gj", "ж": "zh", "ѕ": "dz", "љ": "lj", "њ": "nj", "ќ": "kj",
           "х": "h", "ц": "c", "ч": "ch", "џ": "dzh", "ш": "sh"})

KA = {"ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z",
      "თ": "t", "ი": "i", "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o",
      "პ": "p", "ჟ": "zh", "რ": "r", "ს": "s", "ტ": "t", "უ": "u", "ფ": "p",
      "ქ": "k", "ღ": "gh", "ყ": "q", "შ": "sh", "ჩ": "ch", "ც": "ts",
      "ძ": "dz", "წ": "ts", "ჭ": "ch", "ხ": "kh", "ჯ": "j", "ჰ": "h"}

HY = {"ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e",
      "ը": "y", "թ": "t", "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts",
      "կ": "k", "հ": "h", "ձ": "dz", "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y",
      "ն": "n", "շ": "sh", "ո": "o", "չ": "ch", "պ": "p", "ջ": "j", "ռ": "r",
      "ս": "s", "վ": "v", "տ": "t", "ր": "r", "ց": "ts", "փ": "p", "ք": "k",
      "օ": "o", "ֆ": "f", "և": "ev"}


def tr_table(word, table):
    out = []
    for ch in word.lower():
        if ch in table:
            out.append(table[ch])
        elif ch in "- ":
            out.append(ch)
        else:
            return None
    return "".join(out)


def tr_ru(word):
    w = word.lower()
    variants = []
    base = tr_table(w, RU)
    if base is None:
        return []
    variants.append(base)
    # Common English forms of -ий / -ый endings: Dmitriy / Dmitry, Belyy / Bely.
    if w.endswith("ий"):
        variants.append(tr_table(w[:-2], RU) + "iy")
        variants.append(tr_table(w[:-2], RU) + "y")
    if w.endswith("ый"):
        variants.append(tr_table(w[:-2], RU) + "y")
    return variants


def tr_uk(word):
    out = []
    w = word.lower()
    for i, ch in enumerate(w):
        initial = i == 0 or w[i - 1] in "- "
        if ch in UK_INITIAL:
            out.append(UK_INITIAL[ch] if initial else UK_MEDIAL[ch])
        elif ch in UK:
            out.append(UK[ch])
        elif ch in "- ":
            out.append(ch)
        else:
            return []
    s = "".join(out).replace("zgh", "zgh")
    return [s]


def tr_hy(word):
    w = word.lower().replace("ու", "u")
    out = []
    for i, ch in enumerate(w):
        initial = i == 0 or w[i - 1] in "- "
        if ch == "ե" and initial:
            out.append("ye")
        elif ch == "ո" and initial:
            out.append("vo")
        elif ch == "u":
            out.append("u")
        elif ch in HY:
            out.append(HY[ch])
        elif ch in "- ":
            out.append(ch)
        else:
            return []
    return ["".join(out)]


GR_VOICELESS = set("θκξπσςτφχψ")
GR_SINGLE = {"α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z",
             "η": "i", "θ": "th", "ι": "i", "κ": "k", "λ": "l", "μ": "m",
             "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
             "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
             "ω": "o"}


def tr_el(word):
    # Strip accents but remember diaeresis, which breaks a digraph.
    decomposed = unicodedata.normalize("NFD", word.lower())
    letters, diaer = [], []
    for ch in decomposed:
        if ch == "\u0308":
            if diaer:
                diaer[-1] = True
        elif unicodedata.combining(ch):
            continue
        else:
            letters.append(ch)
            diaer.append(False)
    w = "".join(letters)
    out, i = [], 0
    while i < len(w):
        a = w[i]
        b = w[i + 1] if i + 1 < len(w) else ""
        nxt = w[i + 2] if i + 2 < len(w) else ""
        b_d = diaer[i + 1] if i + 1 < len(w) else False
        initial = i == 0
        pair = a + b
        if pair in ("αι", "ει", "οι", "ου", "υι") and not b_d:
            out.append({"αι": "ai", "ει": "ei", "οι": "oi", "ου": "ou",
                        "υι": "yi"}[pair]); i += 2; continue
        if pair in ("αυ", "ευ", "ηυ") and not b_d:
            first = {"α": "a", "ε": "e", "η": "i"}[a]
            out.append(first + ("f" if (nxt in GR_VOICELESS or nxt == "") else "v"))
            i += 2; continue
        if pair == "γγ":
            out.append("ng"); i += 2; continue
        if pair == "γκ":
            out.append("g" if initial else "ng"); i += 2; continue
        if pair == "γξ":
            out.append("nx"); i += 2; continue
        if pair == "γχ":
            out.append("nch"); i += 2; continue
        if pair == "μπ":
            out.append("b" if initial else "mb"); i += 2; continue
        if pair == "ντ":
            out.append("d" if initial else "nt"); i += 2; continue
        if a in GR_SINGLE:
            out.append(GR_SINGLE[a])
        elif a in "- ":
            out.append(a)
        else:
            return []
        i += 1
    return ["".join(out)]


TRANSLIT = {
    "ru_RU": tr_ru,
    "uk_UA": tr_uk,
    "bg_BG": lambda w: [x] if (x := tr_table(w, BG)) else [],
    "mk_MK": lambda w: [x] if (x := tr_table(w, MK)) else [],
    "ka_GE": lambda w: [x] if (x := tr_table(w, KA)) else [],
    "hy_AM": tr_hy,
    "el_GR": tr_el,
}


# --------------------------------------------------------- name cleaning

PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "dello", "di",
             "da", "das", "do", "dos", "du", "le", "la", "les", "ter", "ten",
             "te", "op", "in", "het", "y", "e", "i", "und", "zu", "af", "al",
             "el", "bin", "ibn", "bint", "ben", "abu", "mac", "mc", "ó", "ní",
             "nic", "ua", "uí", "mhic", "an", "na", "die", "san", "santa", "st",
             "saint", "sainte", "dal", "dalla", "degli", "dei", "des", "vander",
             "vanden", "vd", "y"}
GAELIC_HEADS = {"mac", "mc", "ó", "o", "ní", "nic", "ua", "uí", "mhic", "bean"}
NAME_RE = re.compile(r"^[^\W\d_]+(?:['\-][^\W\d_]+)*$")


def title_name(tok):
    """Normalise capitalisation: all-caps or all-lower tokens become Title
    Case (per hyphen part); mixed case such as McDonald is kept."""
    tok = tok.replace("’", "'").replace("ʼ", "'")
    letters = [c for c in tok if c.isalpha()]
    if not letters:
        return tok
    leading_caps = len(letters) > 2 and letters[0].isupper() and letters[1].isupper()
    if leading_caps or all(c.isupper() for c in letters) or all(c.islower() for c in letters):
        parts = re.split(r"([\-'])", tok.lower())
        out = []
        for i, p in enumerate(parts):
            if p and p[0].isalpha():
                # keep O'Brien / D'Angelo style but not "Dell'Acqua"->fine
                out.append(p[0].upper() + p[1:])
            else:
                out.append(p)
        s = "".join(out)
        # Korean/Chinese hyphenated given names: "Min-Jun" -> "Min-jun"
        return s
    return tok[0].upper() + tok[1:]


def clean_name(tok):
    tok = nfc(tok.strip().strip(".,;"))
    if not tok or any(c.isdigit() for c in tok):
        return None
    if not is_latin(tok):
        return None
    if not NAME_RE.match(tok.replace("’", "'")):
        return None
    if len(tok) > 2 and tok[0].islower() and tok[1].isupper():
        return None  # Irish initial mutation fragment such as "hÓra", "nGeard"
    t = title_name(tok)
    letters = [c for c in t if c.isalpha()]
    if len(letters) < 2:
        return None
    if len(t) > 2 and sum(c.isupper() for c in letters) == len(letters):
        return None  # abbreviation left over
    if t.lower() in PARTICLES and len(t) <= 3 and t.lower() not in {"le", "ben", "al", "an", "da", "di", "do", "na", "el"}:
        return None
    return t


def split_given(entry):
    """Given names: 'Thiago Nahuel' -> ['Thiago', 'Nahuel']."""
    out = []
    for tok in entry.replace(",", " ").split():
        c = clean_name(tok)
        if c:
            out.append(c)
    return out


def split_surname(entry):
    """Surnames: single tokens only. 'van der Brink' -> 'Brink',
    'da Costa' -> 'Costa'; Gaelic 'Mac an Liagha' is dropped."""
    toks = entry.split()
    if len(toks) == 1:
        c = clean_name(toks[0])
        return [c] if c else []
    if toks[0].lower() in GAELIC_HEADS:
        return []
    core = [t for t in toks if t.lower() not in PARTICLES]
    out = []
    for t in core:
        c = clean_name(t)
        if c:
            out.append(c)
    return out


def korean_variants(name):
    """'Min-jun' also as 'Minjun' (both spellings are in use)."""
    if KOREAN_RE.match(name):
        a, b = name.split("-")
        return [a + b]
    return []


KOREAN_RE = re.compile(r"^[A-Z][a-z]{1,4}-[a-z]{1,4}$")


# ------------------------------------------------------------ Faker part

GIVEN_ATTR = re.compile(r"^(first_name|first_names|first_romanized|middle_names)")
LAST_ATTR = re.compile(r"^(last_name|last_names|last_romanized|male_last_names|unisex_last_names)")
SKIP_ATTR = re.compile(r"_pairs$|kana")
# Patronymics are not given names.
NO_MIDDLE = {"ru_RU", "uk_UA", "bg_BG", "mk_MK", "ka_GE", "hy_AM", "el_GR"}
# Icelandic last names in Faker are patronymic stems ("Kristjáns"), not surnames.
SKIP_LAST = {"is_IS", "es", "pl_PL_doe"}


def values(v):
    if isinstance(v, dict):
        return list(v.keys())
    if isinstance(v, (list, tuple)):
        return [x for x in v if isinstance(x, str)]
    return []


def faker_names(stats):
    import faker.providers.person as P
    given, last = set(), set()
    for m in pkgutil.iter_modules(P.__path__):
        loc = m.name
        prov = importlib.import_module("faker.providers.person." + loc).Provider
        g_raw, l_raw = set(), set()
        for attr in dir(prov):
            if attr.startswith("_") or SKIP_ATTR.search(attr):
                continue
            v = getattr(prov, attr)
            if GIVEN_ATTR.match(attr):
                if attr.startswith("middle") and loc in NO_MIDDLE:
                    continue
                g_raw.update(values(v))
            elif LAST_ATTR.match(attr):
                l_raw.update(values(v))
        if loc in ("es",):          # placeholder John/Jane Doe only
            continue
        tr = TRANSLIT.get(loc)
        g, l = set(), set()
        for raw in g_raw:
            cands = [raw] if is_latin(raw) else (tr(raw) if tr else [])
            for c in cands:
                g.update(split_given(c))
        if loc not in SKIP_LAST:
            for raw in l_raw:
                cands = [raw] if is_latin(raw) else (tr(raw) if tr else [])
                for c in cands:
                    l.update(split_surname(c))
        l.discard("Doe")
        stats[loc] = (len(g), len(l))
        given |= g
        last |= l
    return given, last


# ------------------------------------------------------------ word lists

def scowl_words(max_size, kinds=("english-words", "american-words", "british-words")):
    words = set()
    for fn in os.listdir(SCOWL):
        kind, _, size = fn.rpartition(".")
        if kind in kinds and size.isdigit() and int(size) <= max_size:
            with open(os.path.join(SCOWL, fn), encoding="utf-8", errors="replace") as f:
                for line in f:
                    w = line.strip()
                    if w and w.islower():
                        words.add(w.replace("’", "'"))
    return words


def wordfreq_top(n):
    from wordfreq import top_n_list
    return set(top_n_list("en", n))


# ------------------------------------------------------- company cleaning

LEGAL = r"(?:N\.A\.?|Inc\.?|Incorporated|Corp\.?|Corporation|Co\.|Ltd\.?|Limited|L\.?L\.?C\.?|PLC|plc|P\.?L\.?C\.?|AG|SE|S\.?A\.?|SpA|S\.p\.A\.|N\.?V\.?|B\.?V\.?|AB|ASA|A/S|Oyj|Oy|GmbH|KGaA|SCA|KK|K\.K\.|Bhd|Berhad|Tbk|Pty|Ltda\.?|S\.?A\.?B\.? de C\.?V\.?|SAB|Group|Holdings?|Class [A-C])"
TRAIL_RE = re.compile(r"(?:[\s,]+(?:&\s*Co\.?|" + LEGAL + r"))+$")
COMPANY_CHARS = re.compile(r"^[^\W_]" + r"(?:[^\W_]|[ &'.,+!?/:*\-–])*$")
PAREN_RE = re.compile(r"\s*\([^)]*\)\s*")


def clean_company(name):
    name = nfc(name).strip()
    name = name.replace("’", "'")
    name = PAREN_RE.sub(" ", name).strip()
    name = re.sub(r"\s+", " ", name)
    prev = None
    while prev != name:
        prev = name
        name = TRAIL_RE.sub("", name).strip().rstrip(",").strip()
    if name.startswith("The ") and len(name.split()) > 2 and name.endswith(" Company"):
        name = name[4:-8]
    elif name.startswith("The ") and len(name.split()) >= 2:
        name = name[4:]
    name = name.strip(" ,.-")
    if not name or not is_latin(name):
        return None
    if not any(c.isupper() or c.isdigit() for c in name):
        return None
    if not COMPANY_CHARS.match(name):
        return None
    if len(name) < 2:
        return None
    return name


def tickers():
    from pytickersymbols import PyTickerSymbols
    return [s["name"] for s in PyTickerSymbols().get_all_stocks()]


NSI_CATEGORIES = [
    "amenity/bank", "shop/supermarket", "shop/department_store", "amenity/fuel",
    "amenity/fast_food", "amenity/restaurant", "amenity/cafe", "tourism/hotel",
    "amenity/car_rental", "shop/clothes", "shop/shoes", "shop/electronics",
    "shop/mobile_phone", "shop/telecommunication", "office/telecommunication",
    "office/insurance", "amenity/pharmacy", "shop/chemist", "shop/doityourself",
    "shop/hardware", "shop/furniture", "shop/convenience", "amenity/cinema",
    "shop/travel_agency", "shop/sports", "shop/books", "shop/car",
    "shop/cosmetics", "shop/jewelry", "shop/variety_store", "shop/toys",
    "shop/optician", "leisure/fitness_centre", "amenity/post_office",
    "office/courier", "amenity/bureau_de_change", "amenity/money_transfer",
    "shop/alcohol", "shop/pet", "shop/wholesale", "amenity/ice_cream",
    "office/airline", "aeroway/aerodrome", "amenity/bicycle_rental",
]


def nsi_brands(nsi_dir):
    path = os.path.join(nsi_dir, "dist", "json", "nsi.json")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)["nsi"]
    out = []
    for cat in NSI_CATEGORIES:
        key = "brands/" + cat
        if key not in data:
            continue
        for item in data[key]["items"]:
            tags = item.get("tags", {})
            if "brand:wikidata" not in tags:
                continue
            cands = [tags.get("brand", "")] + [tags.get("brand:en", "")] + \
                [v for k, v in tags.items() if k.startswith("brand:") and k.endswith("-Latn")] + \
                [tags.get("name:en", "")]
            for c in cands:
                c = c and clean_company(c)
                if c:
                    out.append(c)
                    break
    return out


GENERIC_TAIL = {"systems", "technologies", "technology", "networks", "software",
                "labs", "cloud", "communications", "computing", "platforms",
                "data", "solutions", "semiconductor", "semiconductors",
                "security", "international", "global", "web", "services",
                "corporation", "corp", "inc", "holdings", "group", "platform",
                "enterprises", "interactive", "digital", "co", "company",
                "incorporated", "inc."}


def vendor_key(name):
    toks = name.lower().replace(",", " ").split()
    while len(toks) > 1 and toks[-1] in GENERIC_TAIL:
        toks.pop()
    return " ".join(toks)


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nsi", required=True,
                    help="unpacked npm package name-suggestion-index (the 'package' dir)")
    ap.add_argument("--wordfreq-top", type=int, default=30000)
    args = ap.parse_args()

    stats = {}
    given, last = faker_names(stats)
    print("faker per-locale (given, surnames):", stats, file=sys.stderr)

    for tok in read_curated("given-extra.txt"):
        given.update(split_given(tok))
    for tok in read_curated("surnames-extra.txt"):
        last.update(split_surname(tok))
    for g in list(given):
        given.update(korean_variants(g))

    junk = {w.casefold() for w in read_curated("names-junk.txt")}
    given = dedupe_case(n for n in given if n.casefold() not in junk)
    last = dedupe_case(n for n in last if n.casefold() not in junk)

    # -------- common-word names
    common_dict = scowl_words(40)
    top = wordfreq_top(args.wordfreq_top)
    tech = {w.lower() for w in read_curated("tech-words.txt")}
    force = {w.lower() for w in read_curated("common-words-force.txt")}
    exclude = {w.lower() for w in read_curated("common-words-exclude.txt")}
    places = {w.lower() for w in read_curated("names-places.txt")}

    # Make sure the forced common-word names are in the name lists at all
    # (they are real given names: Max, Sunny, Pearl ...).
    all_lower = {n.lower() for n in given | last}
    missing = sorted(w for w in force if w not in all_lower)
    if missing:
        print("force words not in name lists (skipped):", missing, file=sys.stderr)

    common = set()
    for n in given | last:
        k = n.lower()
        if k in exclude:
            continue
        if (k in common_dict and k in top) or k in tech or k in force or k in places:
            common.add(n)

    write_list("given-names.txt", given)
    write_list("surnames.txt", last)
    write_list("name-common-words.txt", common)

    # -------- companies
    vendors = read_curated("tech-vendors.txt", split_words=False)
    vendor_keys = {v.lower() for v in vendors}

    raw = []
    raw += [("pytickersymbols", n) for n in tickers()]
    raw += [("nsi", n) for n in nsi_brands(args.nsi)]
    raw += [("curated", n) for n in read_curated("companies-extra.txt", split_words=False)]

    amb_force = {w for w in read_curated("companies-ambiguous-force.txt", split_words=False)}
    amb_force_l = {w.lower() for w in amb_force}
    keep = {w.lower() for w in read_curated("companies-keep.txt", split_words=False)}
    company_dict = scowl_words(50) | scowl_words(50, kinds=("english-abbreviations", "american-abbreviations"))

    names_cf = {n.casefold() for n in given | last}
    # One spelling per name, compared case-insensitively: the curated spelling
    # wins over the ticker list, which wins over the brand index ("eBay", not "EBay").
    rank = {"curated": 0, "pytickersymbols": 1, "nsi": 2}
    forms, sources = {}, {}
    for src, n in raw:
        c = clean_company(n)
        if not c:
            continue
        k = c.casefold()
        if k not in forms or rank[src] < rank[forms[k][1]]:
            forms[k] = (c, src)
        sources.setdefault(k, set()).add(src)
    sources = {forms[k][0]: v for k, v in sources.items()}

    companies, ambiguous = set(), set()
    for c, srcs in sources.items():
        if c.lower() in vendor_keys or vendor_key(c) in vendor_keys:
            continue
        single = " " not in c
        lc = c.lower()
        nsi_only = srcs == {"nsi"}
        letters = [ch for ch in c if ch.isalpha()]
        acronym = single and len(c) <= 4 and all(ch.isupper() for ch in letters)
        if lc in keep:
            companies.add(c)
        elif lc in amb_force_l:
            ambiguous.add(c)
        elif single and lc in company_dict:
            ambiguous.add(c)                      # ordinary English word
        elif single and len(c) <= 2 and c.isupper():
            ambiguous.add(c)                      # two-letter abbreviation
        elif single and nsi_only and (lc in top or acronym):
            ambiguous.add(c)                      # local brand that is a frequent token
        elif single and c.casefold() in names_cf and "curated" not in srcs:
            ambiguous.add(c)                      # local brand named like a person
        else:
            companies.add(c)
    # ambiguous forced entries are listed even if no source carried them
    ambiguous |= {w for w in amb_force if w.lower() not in vendor_keys and w.lower() not in keep}
    # a name present in both (e.g. from different sources) stays only ambiguous
    companies = {c for c in companies if c.lower() not in {a.lower() for a in ambiguous}}

    write_list("companies.txt", companies)
    write_list("companies-ambiguous.txt", ambiguous)
    write_list("tech-vendors.txt", vendors)

    # -------- stop words
    stop = [w.lower() for w in read_curated("stopwords-names.txt")]
    write_list("stopwords-names.txt", stop)


if __name__ == "__main__":
    main()
