//! Generalising quasi-identifiers: dates become months, clock times become offsets from the
//! report's first time, identifying figures become orders of magnitude.

use chrono::{Datelike, NaiveDate};

use super::pack::Transform;

/// A value parsed at match time; clock values are turned into offsets when emitted, in
/// document order, because the first one seen is the report's `T+0:00`.
#[derive(Debug, Clone, PartialEq)]
pub enum Generalised {
    Fixed(String),
    /// A clock time, with the day its timestamp writes (`2025-03-03T14:32`, `Mar  3 14:32:10`).
    Clock {
        day: Option<WrittenDay>,
        minute: i64,
        /// The zone written after it, in minutes east of UTC (`PDT` is -420).
        zone: Option<i64>,
    },
    /// A date: its month as written out, and the day it names when that is certain (the
    /// year may be missing, `March 3`), so clock times after it on its line, or under it as
    /// a heading, count from that day.
    Date {
        month: String,
        day: Option<WrittenDay>,
    },
}

/// A calendar day as a text writes it; `year` is `None` when the text leaves it out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WrittenDay {
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
}

impl WrittenDay {
    /// The day, its year taken from `context` (the anchor's or the last day seen) when the
    /// text left it out.
    pub fn resolve(self, context: Option<NaiveDate>) -> Option<NaiveDate> {
        let year = self.year.or(context.map(|d| d.year()))?;
        NaiveDate::from_ymd_opt(year, self.month, self.day)
    }
}

/// Parses a matched value for a transform; `None` means the match is not one after all
/// (`T+0:35` is already relative, 300 users is not identifying).
pub fn parse(transform: Transform, value: &str, text_before: &str) -> Option<Generalised> {
    match transform {
        Transform::Date => month_of(value).map(|month| Generalised::Date {
            month,
            day: day_of(value),
        }),
        Transform::Time => {
            // A signed offset (`T+0:35`, `(-0:10)`) is relative already; a sign glued to a
            // word (`run-14:32`) is only a hyphen.
            let mut back = text_before.chars().rev();
            if matches!(back.next(), Some('+' | '-'))
                && back
                    .next()
                    .is_none_or(|c| matches!(c, 'T' | 't') || !c.is_alphanumeric())
            {
                return None;
            }
            clock_minute(value).map(|minute| Generalised::Clock {
                day: None,
                minute,
                zone: zone_of(value),
            })
        }
        Transform::DateTime => {
            let iso = iso_day(value);
            let time_part = value.get(10..).unwrap_or(value);
            let (day, time_part) = match iso {
                Some(d) => (
                    Some(WrittenDay {
                        year: Some(d.year()),
                        month: d.month(),
                        day: d.day(),
                    }),
                    time_part,
                ),
                // A syslog stamp (`Dec 20 09:01:14`) names its day without a year.
                None => (day_of(value), value.get(6..).unwrap_or(value)),
            };
            let time_part = time_part.trim_start_matches(['T', ' ']);
            clock_minute(time_part).map(|minute| Generalised::Clock {
                day,
                minute,
                zone: zone_of(time_part),
            })
        }
        Transform::Scale => {
            band(value, 1000.0, upper_bound_before(text_before)).map(Generalised::Fixed)
        }
        // People served or employed identify from a hundred: "707 new user accounts".
        // A count of people has no fraction: `2.300 employees` groups thousands with a dot.
        Transform::Count => {
            let digits = value
                .split(' ')
                .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
                .unwrap_or(value);
            let grouped =
                digits.split('.').count() > 1 && digits.split('.').skip(1).all(|g| g.len() == 3);
            let value = if grouped {
                value.replacen(digits, &digits.replace('.', ""), 1)
            } else {
                value.to_string()
            };
            band(&value, 100.0, upper_bound_before(text_before)).map(Generalised::Fixed)
        }
        Transform::People | Transform::Names | Transform::Speaker => None,
    }
}

/// The offset of a clock value from the anchor, as `T+h:mm` / `T-h:mm`.
pub fn offset(anchor: (Option<NaiveDate>, i64), day: Option<NaiveDate>, minute: i64) -> String {
    let delta = match (anchor.0, day) {
        (Some(a), Some(d)) => (d - a).num_days() * 1440 + minute - anchor.1,
        _ => {
            let d = minute - anchor.1;
            // A timeline that crosses midnight: 23:50 then 00:10 is twenty minutes later.
            if d < -12 * 60 { d + 1440 } else { d }
        }
    };
    written_offset(delta)
}

/// `minute` on day `day` of a timeline without dates, as an offset from its first time, at
/// `anchor_minute` on day 0.
pub fn offset_in_days(anchor_minute: i64, day: i64, minute: i64) -> String {
    written_offset(day * 1440 + minute - anchor_minute)
}

fn written_offset(mut delta: i64) -> String {
    let sign = if delta < 0 { '-' } else { '+' };
    delta = delta.abs();
    // Two days and more read as days: `T+11d 6:42`, not `T+270:42`.
    if delta >= 2 * 1440 {
        return format!(
            "T{sign}{}d {}:{:02}",
            delta / 1440,
            delta % 1440 / 60,
            delta % 60
        );
    }
    format!("T{sign}{}:{:02}", delta / 60, delta % 60)
}

/// The weekday a whole weekday name names (`Tuesday`), Monday = 0.
pub fn weekday_of(word: &str) -> Option<u32> {
    const STEMS: [&str; 7] = ["mon", "tues", "wednes", "thurs", "fri", "satur", "sun"];
    let lower = word.to_ascii_lowercase();
    let stem = lower.strip_suffix("day")?;
    STEMS.iter().position(|d| *d == stem).map(|i| i as u32)
}

/// Whether `word` is a weekday or month name, whole or abbreviated (`Sunday`, `Nov`).
pub fn names_day_or_month(word: &str) -> bool {
    const SHORT: &[&str] = &[
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    ];
    let lower = word.to_ascii_lowercase();
    weekday_of(&lower).is_some()
        || SHORT.contains(&lower.as_str())
        || MONTHS
            .iter()
            .any(|m| m.eq_ignore_ascii_case(&lower) || m[..3].eq_ignore_ascii_case(&lower))
        || lower == "sept"
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_index(word: &str) -> Option<usize> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.to_ascii_lowercase().starts_with(&w[..3]))
}

fn year_of(token: &str) -> Option<i32> {
    let y: i32 = token.parse().ok()?;
    match token.len() {
        4 if (1900..2100).contains(&y) => Some(y),
        2 => Some(2000 + y),
        _ => None,
    }
}

/// `2025-03-03` → `March 2025`; `Monday, March 3rd` → `March`; `03/04/2025` (day and month
/// ambiguous) → `2025`.
fn month_of(value: &str) -> Option<String> {
    let parts: Vec<&str> = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let month_word = parts.iter().find_map(|p| {
        if p.chars().all(|c| c.is_ascii_alphabetic()) {
            month_index(p)
        } else {
            None
        }
    });
    if let Some(m) = month_word {
        let year = parts
            .iter()
            .find(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| year_of(p));
        return Some(match year {
            Some(y) => format!("{} {y}", MONTHS[m]),
            None => MONTHS[m].to_string(),
        });
    }
    // A weekday and a day of the month alone (`Thursday 15th`): no month to keep.
    if parts.len() == 2
        && parts[0].to_ascii_lowercase().ends_with("day")
        && parts[1].starts_with(|c: char| c.is_ascii_digit())
    {
        return Some("[date]".to_string());
    }
    // `20250127` in a file or branch name: the same shape, down to the month (`202501`).
    if let [compact] = parts[..]
        && compact.len() == 8
        && compact.bytes().all(|b| b.is_ascii_digit())
    {
        let (year, month, day) = (&compact[..4], &compact[4..6], &compact[6..]);
        let valid =
            NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
        return valid.map(|_| format!("{year}{month}"));
    }
    let nums: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    // A month/day without a year (`on 7/28`, `Thu 10/28`): the month when it is certain,
    // otherwise nothing of it.
    if nums.len() == 2 && parts.len() <= 3 {
        let (a, b) = (nums[0], nums[1]);
        let month = if (1..=12).contains(&a) && b > 12 && b <= 31 {
            a
        } else if (1..=12).contains(&b) && a > 12 && a <= 31 {
            b
        } else {
            return Some("[date]".to_string());
        };
        return Some(MONTHS[month as usize - 1].to_string());
    }
    if nums.len() != 3 {
        return None;
    }
    let (year, a, b) = if parts[0].len() == 4 {
        (year_of(parts[0])?, nums[1], nums[2])
    } else {
        (year_of(parts[2])?, nums[0], nums[1])
    };
    // Year first is always year-month-day; otherwise day/month order is only certain when
    // one of the two cannot be a month.
    let month = if parts[0].len() == 4 {
        Some(a)
    } else if a > 12 && b <= 12 {
        Some(b)
    } else if b > 12 && a <= 12 {
        Some(a)
    } else {
        None
    };
    match month {
        Some(m) if (1..=12).contains(&m) => Some(format!("{} {year}", MONTHS[m as usize - 1])),
        Some(_) => None,
        None => Some(year.to_string()),
    }
}

/// The day a written date names, when day and month are certain: `2025-03-03`,
/// `25/03/2025`, `Monday, March 3rd, 2025`, `3 March`, `the 4th of March`, `Thu 10/28`.
fn day_of(value: &str) -> Option<WrittenDay> {
    let parts: Vec<&str> = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let year = parts
        .iter()
        .find(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|p| year_of(p));
    let month_word = parts.iter().find_map(|p| {
        p.chars()
            .all(|c| c.is_ascii_alphabetic())
            .then(|| month_index(p))
            .flatten()
    });
    let day_number = |p: &str| -> Option<u32> {
        let digits = p.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &p[digits.len()..];
        (digits.len() <= 2 && matches!(suffix, "" | "st" | "nd" | "rd" | "th"))
            .then(|| digits.parse().ok())
            .flatten()
            .filter(|d| (1..=31).contains(d))
    };
    if let Some(m) = month_word {
        let day = parts.iter().find_map(|p| day_number(p))?;
        return Some(WrittenDay {
            year,
            month: m as u32 + 1,
            day,
        });
    }
    let nums: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    let certain = |a: u32, b: u32| -> Option<(u32, u32)> {
        if (1..=12).contains(&a) && b > 12 && b <= 31 {
            Some((a, b))
        } else if (1..=12).contains(&b) && a > 12 && a <= 31 {
            Some((b, a))
        } else {
            None
        }
    };
    let (month, day) = match nums.len() {
        2 if parts.len() <= 3 => certain(nums[0], nums[1])?,
        3 if parts[0].len() == 4 => (nums[1], nums[2]),
        3 => certain(nums[0], nums[1])?,
        _ => return None,
    };
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(WrittenDay {
        year,
        month,
        day,
    })
}

fn iso_day(value: &str) -> Option<NaiveDate> {
    let head = value.get(..10)?;
    let sep = head.as_bytes().get(4).copied();
    if !matches!(sep, Some(b'-')) {
        return None;
    }
    let y = head.get(0..4)?.parse().ok()?;
    let m = head.get(5..7)?.parse().ok()?;
    let d = head.get(8..10)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d).filter(|d| d.year() > 1900)
}

/// Minutes since midnight of `14:32`, `2:32 PM`, `4pm`, `14:32:10 UTC`, `22h00`.
fn clock_minute(value: &str) -> Option<i64> {
    let mut lower = value.to_ascii_lowercase();
    if let [h1, h2, b'h', m1, m2] = lower.as_bytes()
        && [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit())
    {
        lower = format!("{}:{}", &lower[..2], &lower[3..]);
    }
    let digits_end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.' || c == ','))
        .unwrap_or(lower.len());
    let clock = &lower[..digits_end];
    let rest = lower[digits_end..].trim_start();
    // `9.03 am` and `1203utc`: a dot between hours and minutes, or none at all.
    let hhmm;
    let clock = if clock.contains(':') {
        clock
    } else if clock.len() == 4 && clock.bytes().all(|b| b.is_ascii_digit()) {
        hhmm = format!("{}:{}", &clock[..2], &clock[2..]);
        &hhmm
    } else {
        hhmm = clock.replacen('.', ":", 1);
        &hhmm
    };
    let mut fields = clock.split(':');
    let mut hour: i64 = fields.next()?.parse().ok()?;
    let minute: i64 = match fields.next() {
        Some(m) => m.get(..2).unwrap_or(m).parse().ok()?,
        None => 0,
    };
    // `pm`, not the `p` of a zone (`02:53 PDT`).
    let pm = rest.starts_with("pm") || rest.starts_with("p.m");
    let am = rest.starts_with("am") || rest.starts_with("a.m");
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if hour > 23 || minute > 59 {
        return None;
    }
    Some(hour * 60 + minute)
}

/// Zone abbreviations and their offsets (`scrubbers/time-zones.txt`), lower-case.
fn zones() -> &'static std::collections::HashMap<String, i64> {
    static ZONES: std::sync::OnceLock<std::collections::HashMap<String, i64>> =
        std::sync::OnceLock::new();
    ZONES.get_or_init(|| {
        include_str!("../../scrubbers/time-zones.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (name, offset) = l.split_once(char::is_whitespace)?;
                Some((name.to_lowercase(), offset.trim().parse().ok()?))
            })
            .collect()
    })
}

/// The zone written after a clock time, in minutes east of UTC: `UTC`, `Z`, `+02:00`,
/// `UTC+1`, or an abbreviation with its daylight time (`PDT`, `CEST`). Zones that name no
/// season (`PT`, `ET`) give `None`: their offset depends on the date.
fn zone_of(value: &str) -> Option<i64> {
    let digits_end = value
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, ':' | '.' | ',')))
        .unwrap_or(value.len());
    let mut rest = value[digits_end..].trim_start().to_ascii_lowercase();
    for meridiem in ["a.m.", "p.m.", "a.m", "p.m", "am", "pm"] {
        if let Some(r) = rest.strip_prefix(meridiem) {
            rest = r.trim_start().to_string();
            break;
        }
    }
    let rest = rest.trim_start_matches('(');
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | ':'))
        .collect();
    let (name, signed) = match word.find(['+', '-']) {
        Some(at) => (&word[..at], Some(&word[at..])),
        None => (word.as_str(), None),
    };
    let base = match name {
        "" if signed.is_some() => 0,
        _ => *zones().get(name)?,
    };
    let Some(signed) = signed else {
        return Some(base);
    };
    if !matches!(name, "" | "utc" | "gmt") {
        return None;
    }
    let sign = if signed.starts_with('-') { -1 } else { 1 };
    let digits: String = signed[1..].chars().filter(char::is_ascii_digit).collect();
    let (hours, minutes) = match digits.len() {
        1 | 2 => (digits.parse::<i64>().ok()?, 0),
        4 => (
            digits[..2].parse::<i64>().ok()?,
            digits[2..].parse::<i64>().ok()?,
        ),
        _ => return None,
    };
    (hours <= 14 && minutes < 60).then_some(base + sign * (hours * 60 + minutes))
}

/// The grouped figure inside a banded value ("384,212" of "384,212 concurrent players") and
/// its band, so the same figure written alone elsewhere ("peaked at 384,212") is banded too.
/// Only figures of five digits and more: shorter ones recur by chance.
pub fn bare_figure(value: &str) -> Option<(&str, Generalised)> {
    let start = value.find(|c: char| c.is_ascii_digit())?;
    let rest = &value[start..];
    let len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(rest.len());
    let figure = rest[..len].trim_end_matches(',');
    let digits = figure.bytes().filter(u8::is_ascii_digit).count();
    let grouped = figure.contains(',') && figure.split(',').skip(1).all(|group| group.len() == 3);
    if !grouped || digits < 5 {
        return None;
    }
    band(figure, 1000.0, false).map(|b| (figure, Generalised::Fixed(b)))
}

/// A figure as written, in English (`1,487,392.18`) or continental (`1.487.392,18`) style.
fn plain_number(written: &str) -> Option<f64> {
    let continental = match written.rsplit_once(',') {
        // A decimal comma: one or two digits after it, dots (if any) only as thousands.
        Some((whole, decimals)) => {
            (1..=2).contains(&decimals.len())
                && whole.split('.').skip(1).all(|group| group.len() == 3)
        }
        // Several dots are thousands separators: `1.487.392`.
        None => written.matches('.').count() >= 2,
    };
    if continental {
        written.replace('.', "").replace(',', ".").parse().ok()
    } else {
        written.replace(',', "").parse().ok()
    }
}

/// Whether the words before a figure make it an upper bound ("below 4,300 USD", "fewer than
/// 2,300 staff"), which its band must keep: "below over 1,000" would say nothing true.
fn upper_bound_before(text_before: &str) -> bool {
    let tail: String = text_before
        .trim_end()
        .chars()
        .rev()
        .take(16)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    [
        "below",
        "under",
        "less than",
        "fewer than",
        "up to",
        "at most",
        "no more than",
        "lower than",
        "within",
    ]
    .iter()
    .any(|w| {
        tail.strip_suffix(w)
            .is_some_and(|head| head.is_empty() || head.ends_with(|c: char| !c.is_alphanumeric()))
    })
}

/// `16,000` → `over 10,000`; `300 billion` → `over 100 billion`; `$2.3M` → `over $1 million`;
/// below `floor` (1,000 for most figures) the figure is not identifying and stays, and so
/// does a power of ten (`1,000 USD`), which says no more than its band. An upper bound
/// (`ceiling`) rounds up instead: "below 4,300" → "below 10,000".
fn band(value: &str, floor: f64, mut ceiling: bool) -> Option<String> {
    // A figure broken over lines ("more than\n60,000 merchants") reads as one line.
    let joined;
    let mut trimmed = value.trim();
    if trimmed.contains(['\n', '\t', '\r']) || trimmed.contains("  ") {
        joined = trimmed.split_whitespace().collect::<Vec<_>>().join(" ");
        trimmed = &joined;
    }
    let spelled;
    if let Some(s) = spelled_number(trimmed) {
        spelled = s;
        trimmed = &spelled;
    }
    for word in [
        "roughly ",
        "about ",
        "approximately ",
        "around ",
        "nearly ",
        "almost ",
        "over ",
        "more than ",
        "some ",
        "up to ",
        "~",
    ] {
        if trimmed.len() > word.len()
            && trimmed
                .get(..word.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(word))
        {
            trimmed = &trimmed[word.len()..];
            ceiling |= word == "up to ";
        }
    }
    let currency: String = trimmed
        .chars()
        .take_while(|c| !c.is_ascii_digit())
        .collect();
    let rest = &trimmed[currency.len()..];
    // `1 850 €`, `3 812`: French thousands groups, set apart by a (narrow) space.
    let regrouped;
    let rest = if rest.contains([' ', '\u{A0}', '\u{202F}']) {
        regrouped = join_space_groups(rest);
        regrouped.as_str()
    } else {
        rest
    };
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(rest.len());
    let number: f64 = plain_number(&rest[..number_end])?;
    let after = rest[number_end..].trim_start();
    let (multiplier, unit_len) = magnitude(after);
    // Data volumes: 40 petabytes is as identifying as 40 million users.
    let after_lower = after.to_ascii_lowercase();
    if ["petabyte", "pb", "exabyte", "eb"]
        .iter()
        .any(|u| after_lower.starts_with(u))
    {
        let unit_end = after.find(' ').unwrap_or(after.len());
        let unit = &after[..unit_end];
        let rest = after[unit_end..].trim_start();
        let figure = if number >= 10.0 {
            10f64.powi(number.log10().floor() as i32)
        } else {
            1.0
        };
        let mut out = format!("over {figure} {unit}");
        if !rest.is_empty() {
            out.push(' ');
            out.push_str(rest);
        }
        return Some(out);
    }
    let suffix = after[unit_len..].trim_start();
    let total = number * multiplier;
    if total < floor {
        return None;
    }
    let mut power = 10f64.powi(total.log10().floor() as i32);
    if total == power {
        return None;
    }
    if ceiling {
        power *= 10.0;
    }
    let figure = if power >= 1e12 {
        format!("{} trillion", power / 1e12)
    } else if power >= 1e9 {
        format!("{} billion", power / 1e9)
    } else if power >= 1e6 {
        format!("{} million", power / 1e6)
    } else {
        thousands(power as u64)
    };
    let currency = currency.trim();
    // A symbol is written against the figure (`$1 million`), an ISO code apart from it
    // (`EUR 100,000`).
    let gap = if currency.ends_with(|c: char| c.is_alphabetic()) {
        " "
    } else {
        ""
    };
    let over = if ceiling { "" } else { "over " };
    let mut out = format!("{over}{currency}{gap}{figure}");
    if !suffix.is_empty() {
        out.push(' ');
        out.push_str(suffix);
    }
    Some(out)
}

/// "three and a half billion people" → "3.5 billion people": a spelled count before a
/// magnitude word, as digits.
fn spelled_number(value: &str) -> Option<String> {
    const NUMBERS: &[(&str, f64)] = &[
        ("half a ", 0.5),
        ("a ", 1.0),
        ("one ", 1.0),
        ("two ", 2.0),
        ("three ", 3.0),
        ("four ", 4.0),
        ("five ", 5.0),
        ("six ", 6.0),
        ("seven ", 7.0),
        ("eight ", 8.0),
        ("nine ", 9.0),
        ("ten ", 10.0),
        ("eleven ", 11.0),
        ("twelve ", 12.0),
        ("fifteen ", 15.0),
        ("twenty ", 20.0),
        ("fifty ", 50.0),
    ];
    let lower = value.to_ascii_lowercase();
    let (word, n) = NUMBERS.iter().find(|(w, _)| lower.starts_with(w))?;
    let mut rest = &value[word.len()..];
    let mut n = *n;
    if rest.to_ascii_lowercase().starts_with("and a half ") {
        n += 0.5;
        rest = &rest["and a half ".len()..];
    }
    let (multiplier, _) = magnitude(rest);
    (multiplier >= 1e6).then(|| format!("{n} {rest}"))
}

/// `1 850 € HT` → `1850 € HT`: spaces between a leading figure and each following group of
/// exactly three digits are dropped.
fn join_space_groups(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    let lead = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    out.push_str(&rest[..lead]);
    rest = &rest[lead..];
    if lead == 0 {
        out.push_str(rest);
        return out;
    }
    while let Some(sep) = rest
        .chars()
        .next()
        .filter(|c| matches!(c, ' ' | '\u{A0}' | '\u{202F}'))
    {
        let after = &rest[sep.len_utf8()..];
        let group = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        if group != 3 {
            break;
        }
        out.push_str(&after[..3]);
        rest = &after[3..];
    }
    out.push_str(rest);
    out
}

fn magnitude(after: &str) -> (f64, usize) {
    let word: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let m = match word.to_ascii_lowercase().as_str() {
        "thousand" | "k" => 1e3,
        "lakh" | "lakhs" | "lac" => 1e5,
        "crore" | "crores" => 1e7,
        "million" | "m" | "mm" => 1e6,
        "billion" | "bn" | "b" => 1e9,
        "trillion" | "tn" => 1e12,
        _ => return (1.0, 0),
    };
    (m, word.len())
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_months() {
        assert_eq!(month_of("2025-03-03").as_deref(), Some("March 2025"));
        assert_eq!(month_of("3rd of March").as_deref(), Some("March"));
        assert_eq!(
            month_of("Sept. 30, 2024").as_deref(),
            Some("September 2024")
        );
        assert_eq!(month_of("30/09/2024").as_deref(), Some("September 2024"));
        assert_eq!(month_of("09/30/2024").as_deref(), Some("September 2024"));
        assert_eq!(month_of("03/04/2024").as_deref(), Some("2024"));
        assert_eq!(month_of("Thu 10/28").as_deref(), Some("October"));
        assert_eq!(month_of("Mon 3/4").as_deref(), Some("[date]"));
    }

    #[test]
    fn clocks_and_offsets() {
        assert_eq!(clock_minute("14:32 UTC"), Some(872));
        assert_eq!(clock_minute("2:32 PM"), Some(872));
        assert_eq!(clock_minute("12:05 a.m."), Some(5));
        assert_eq!(clock_minute("4pm"), Some(960));
        assert_eq!(offset((None, 23 * 60 + 50), None, 10), "T+0:20");
        assert_eq!(offset((None, 600), None, 590), "T-0:10");
        assert!(parse(Transform::Time, "0:35", "at T+").is_none());
        assert!(parse(Transform::Time, "0:10", "(-").is_none());
        assert!(parse(Transform::Time, "14:32", "paged is-").is_some());
    }

    #[test]
    fn figures_become_bands() {
        assert_eq!(
            band("16,000", 1000.0, false).as_deref(),
            Some("over 10,000")
        );
        assert_eq!(
            band("300 billion", 1000.0, false).as_deref(),
            Some("over 100 billion")
        );
        assert_eq!(
            band("$2.3M", 1000.0, false).as_deref(),
            Some("over $1 million")
        );
        assert_eq!(
            band("450,000 EUR", 1000.0, false).as_deref(),
            Some("over 100,000 EUR")
        );
        assert_eq!(
            band("EUR 318,400", 1000.0, false).as_deref(),
            Some("over EUR 100,000")
        );
        assert_eq!(band("999", 1000.0, false), None);
        // A power of ten says no more than its band; an upper bound rounds up.
        assert_eq!(band("1,000 USD", 1000.0, false), None);
        assert_eq!(
            band("4,300 USD", 1000.0, true).as_deref(),
            Some("10,000 USD")
        );
        assert!(upper_bound_before("payouts below "));
        assert!(upper_bound_before("Fewer than "));
        assert!(!upper_bound_before("thunder "));
        assert!(!upper_bound_before("over "));
        // People counts band from a hundred.
        assert_eq!(
            band("707 new user accounts", 100.0, false).as_deref(),
            Some("over 100 new user accounts")
        );
        assert_eq!(band("99 users", 100.0, false), None);
        assert_eq!(
            band("£0.6 million", 1000.0, false).as_deref(),
            Some("over £100,000")
        );
        assert_eq!(
            band("more than\n60,000 merchants", 1000.0, false).as_deref(),
            Some("over 10,000 merchants")
        );
        assert_eq!(
            band("Three and a half billion people", 1000.0, false).as_deref(),
            Some("over 1 billion people")
        );
        assert_eq!(
            band("1.21B queries", 1000.0, false).as_deref(),
            Some("over 1 billion queries")
        );
    }
}
