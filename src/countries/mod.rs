//! The country gazetteer: resolves the country names written in briefings' front matter
//! (`countries: [India, USA, Russian Federation, American]`) to one canonical country each.
//!
//! # Data
//!
//! [`Gazetteer::iso`] holds all 249 ISO 3166-1 countries and territories. The ISO data (codes,
//! emoji flags, ISO short and formal names, UN M49 region and subregion, nationality) is a
//! static table in `data.rs` generated from the `keshvar` crate (version 0.7.0, BSD-3-Clause);
//! chancery does not depend on keshvar at build time. A hand-written supplement in the same
//! file adds what analysts need and keshvar lacks: the short common English canonical names
//! ("Russia", "South Korea", "Ivory Coast", ...), aliases ("USA", "Burma", "DRC", ...), extra
//! demonyms ("Emirati", "Saudi", ...), capitals, and a few region fixes (Antarctica gets region
//! and subregion "Antarctica"). [`Gazetteer::with_extras`] adds site.yaml's non-ISO entities
//! (European Union, NATO, ...).
//!
//! # Lookup
//!
//! [`Gazetteer::lookup`] accepts the canonical name, the ISO short and formal names, aliases,
//! demonyms and adjectives ("American", "Dutch"), and ISO alpha-2 / alpha-3 codes. Names are
//! compared after [`normalize`]: lower case, accents folded (`é`→`e`, `ß`→`ss`, ...), dots and
//! apostrophes removed (`U.S.` = `US` = `us`), `&` read as "and", hyphens, commas, parentheses
//! and runs of whitespace read as one space, and a leading "the " dropped ("The Gambia").
//! Codes are matched only when written in upper case (after removing dots): `IN` and `IND` are
//! India, but `in` is not.
//!
//! Ambiguous forms are never accepted: "Korea"/"Korean" (North or South), "Congolese" (either
//! Congo), "Dominican" (Dominica or the Dominican Republic), "Virgin Islands"/"Virgin
//! Islander", "Channel Islands"/"Channel Islander". A demonym that keshvar gives to several
//! entries goes to the sovereign state when one is declared owner ("French" → France, not
//! Réunion; "American" → United States; "Nigerian" → Nigeria, Niger's is "Nigerien"), and is
//! otherwise dropped. "Guinean" is unambiguous in the data (the others are "Equatorial
//! Guinean", "Bissau-Guinean", "Papua New Guinean") and means Guinea. Names and aliases win
//! over demonyms ("Georgian" is only Georgia's demonym; "Congo" alone is the Republic of the
//! Congo).
//!
//! An unknown name gives [`UnknownCountry`] with a suggestion: the canonical name of the
//! entry owning the accepted form nearest to the normalized input by normalized
//! Damerau–Levenshtein similarity, if that similarity is at least [`SUGGESTION_THRESHOLD`]
//! (0.7): "Indai" → India, "Untied States" → United States. A name far from everything
//! ("Atlantis", "Kosovo", "Scotland") gets no suggestion (`None`). An ambiguous name gets no
//! suggestion but lists its candidates in [`UnknownCountry::ambiguous`].
//!
//! # Cost
//!
//! The ISO table (≈250 entries, ≈800 name forms, two hash maps) is built once per process on
//! the first [`Gazetteer::iso`] call (about 0.5 ms in a release build) and shared through an
//! `Arc`; later calls and clones are nearly free.

mod data;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use data::IsoRecord;

/// Minimum normalized Damerau–Levenshtein similarity (0..=1) for an unknown name to get a
/// suggestion.
pub const SUGGESTION_THRESHOLD: f64 = 0.7;

/// One country or country-like entity (ISO country, or an extra entity declared in site.yaml).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Country {
    /// Canonical name, the short common English one: "United States".
    pub name: String,
    /// URL slug: lowercase ASCII letters, digits and hyphens, accents folded ("united-states").
    /// Unique within a gazetteer.
    pub slug: String,
    /// ISO 3166-1 alpha-2 code ("US"); extra entities give their own ("EU") or "".
    pub code: String,
    /// Emoji flag ("🇺🇸"); extra entities may have "".
    pub flag: String,
    /// UN M49 region: Africa, Americas, Asia, Europe, Oceania (Antarctica: "Antarctica";
    /// extras: "International" unless they say otherwise).
    pub region: String,
    /// Slug of [`Country::region`] ("americas").
    pub region_slug: String,
    /// UN M49 subregion ("Northern America", "South-eastern Asia", ...).
    pub subregion: String,
    /// Slug of [`Country::subregion`] ("northern-america").
    pub subregion_slug: String,
}

/// An extra entity declared by site.yaml (not an ISO country): European Union, NATO, ...
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraEntity {
    /// Canonical name ("European Union").
    pub name: String,
    /// URL slug; default: the slugified name.
    #[serde(default)]
    pub slug: Option<String>,
    /// Code ("EU"); looked up like ISO codes, i.e. only when written in upper case.
    /// Default: "" (no code).
    #[serde(default)]
    pub code: Option<String>,
    /// Emoji flag; default "".
    #[serde(default)]
    pub flag: Option<String>,
    /// Region; default "International".
    #[serde(default)]
    pub region: Option<String>,
    /// Subregion; default: the region.
    #[serde(default)]
    pub subregion: Option<String>,
    /// Other accepted names ("EU"), matched like names (case-insensitively).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Index of a country inside a Gazetteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryId(pub u16);

/// Why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCountry {
    /// The name as written (trimmed).
    pub name: String,
    /// Canonical name of the nearest known entry, if any is near enough
    /// (see [`SUGGESTION_THRESHOLD`]). `None` for ambiguous names.
    pub suggestion: Option<String>,
    /// For a name deliberately refused as ambiguous ("Korean"), the canonical names it could
    /// mean (`["South Korea", "North Korea"]`); empty otherwise.
    pub ambiguous: Vec<String>,
}

impl fmt::Display for UnknownCountry {
    /// "unknown country `Indai`" (the suggestion is left to the caller to phrase), or for an
    /// ambiguous name "ambiguous country `Korean` (South Korea or North Korea)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ambiguous.is_empty() {
            write!(f, "unknown country `{}`", self.name)
        } else {
            write!(
                f,
                "ambiguous country `{}` ({})",
                self.name,
                self.ambiguous.join(" or ")
            )
        }
    }
}

impl std::error::Error for UnknownCountry {}

/// One accepted surface form.
#[derive(Debug, Clone)]
struct Form {
    /// As spelled in the data ("Côte d'Ivoire", "U.S.", "American").
    surface: Cow<'static, str>,
    /// [`normalize`]d.
    key: String,
    id: CountryId,
}

/// Entries and their names: the shared ISO part, or a gazetteer's extras.
#[derive(Debug, Clone, Default)]
struct Table {
    countries: Vec<Country>,
    /// Capitals, indexed like `countries` (empty for extras).
    capitals: Vec<&'static [&'static str]>,
    /// Every accepted name form, in insertion order (canonical names first per entry).
    forms: Vec<Form>,
    /// Normalized form -> id.
    by_key: HashMap<String, CountryId>,
    /// Upper-case code (alpha-2, alpha-3, extras' codes) -> id.
    by_code: HashMap<String, CountryId>,
    /// Normalized ambiguous form -> the entries it could mean.
    ambiguous: Vec<(String, Vec<CountryId>)>,
}

impl Table {
    /// Adds a form; if its key is already taken by another entry, returns that entry.
    fn add_form(
        &mut self,
        surface: Cow<'static, str>,
        key: String,
        id: CountryId,
    ) -> Option<CountryId> {
        if key.is_empty() {
            return None;
        }
        match self.by_key.get(&key) {
            Some(&other) if other == id => None,
            Some(&other) => Some(other),
            None => {
                self.by_key.insert(key.clone(), id);
                self.forms.push(Form { surface, key, id });
                None
            }
        }
    }
}

/// The set of known countries and the names that resolve to them.
///
/// Cheap to clone: the ISO part is built once per process and shared.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    iso: Arc<Table>,
    extra: Table,
}

/// Finds `code`'s row in a supplement table (tables are sorted by code; a test checks).
fn table<T: Copy>(t: &[(&'static str, T)], code: &str) -> Option<T> {
    t.binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .map(|i| t[i].1)
}

/// The shared ISO table, built on first use.
fn iso_table() -> &'static Arc<Table> {
    static ISO: OnceLock<Arc<Table>> = OnceLock::new();
    ISO.get_or_init(|| {
        let (t, conflicts) = build_iso();
        debug_assert!(
            conflicts.is_empty(),
            "gazetteer data conflicts: {conflicts:?}"
        );
        Arc::new(t)
    })
}

/// Builds the ISO table and reports data problems: a name form that two entries claim (the
/// first keeps it), or a demonym that several entries claim with no declared owner and that
/// is not listed as ambiguous. The data tests assert there are none.
fn build_iso() -> (Table, Vec<String>) {
    let iso: &[IsoRecord] = data::ISO;
    let mut t = Table {
        countries: Vec::with_capacity(iso.len()),
        capitals: Vec::with_capacity(iso.len()),
        forms: Vec::with_capacity(iso.len() * 4),
        by_key: HashMap::with_capacity(iso.len() * 4),
        by_code: HashMap::with_capacity(iso.len() * 2),
        ambiguous: Vec::new(),
    };
    let mut conflicts = Vec::new();

    for (i, r) in iso.iter().enumerate() {
        let id = CountryId(i as u16);
        let name = table(data::CANONICAL_NAMES, r.alpha2).unwrap_or(r.iso_short_name);
        let (region, subregion) = match data::REGION_FIXES.iter().find(|f| f.0 == r.alpha2) {
            Some(&(_, reg, sub)) => (reg, sub),
            None => (r.region.unwrap_or(""), r.subregion.unwrap_or("")),
        };
        t.countries.push(Country {
            name: name.to_string(),
            slug: slugify(name),
            code: r.alpha2.to_string(),
            flag: r.flag.to_string(),
            region: region.to_string(),
            region_slug: slugify(region),
            subregion: subregion.to_string(),
            subregion_slug: slugify(subregion),
        });
        t.capitals
            .push(table(data::CAPITALS, r.alpha2).unwrap_or(&[]));
        t.by_code.insert(r.alpha2.to_string(), id);
        t.by_code.insert(r.alpha3.to_string(), id);
    }
    let id_of =
        |code: &str| CountryId(iso.binary_search_by(|r| r.alpha2.cmp(code)).unwrap() as u16);
    for &(form, codes) in data::AMBIGUOUS {
        t.ambiguous
            .push((normalize(form), codes.iter().map(|c| id_of(c)).collect()));
    }
    let is_ambiguous = |t: &Table, key: &str| t.ambiguous.iter().any(|(k, _)| k == key);

    for (i, r) in iso.iter().enumerate() {
        let id = CountryId(i as u16);
        let aliases = table(data::ALIASES, r.alpha2).unwrap_or(&[]);
        let name = table(data::CANONICAL_NAMES, r.alpha2).unwrap_or(r.iso_short_name);
        for &form in [name, r.iso_short_name, r.iso_long_name]
            .iter()
            .chain(aliases)
        {
            let key = normalize(form);
            if is_ambiguous(&t, &key) {
                continue;
            }
            if let Some(other) = t.add_form(Cow::Borrowed(form), key, id) {
                conflicts.push(format!(
                    "`{form}` claimed by {} and {name}",
                    t.countries[other.0 as usize].name
                ));
            }
        }
    }

    // Demonyms: keshvar's nationality plus the supplement; a form claimed by several
    // entries goes to its declared owner or is dropped; names and aliases win.
    let mut claims: Vec<(String, &'static str, CountryId)> = Vec::with_capacity(400);
    for (i, r) in iso.iter().enumerate() {
        let id = CountryId(i as u16);
        let keshvar = r.nationality.into_iter().flat_map(|n| n.split(", "));
        let extra = table(data::DEMONYMS, r.alpha2)
            .unwrap_or(&[])
            .iter()
            .copied();
        for d in keshvar.chain(extra) {
            claims.push((normalize(d), d, id));
        }
    }
    // Group the claims by normalized form (stable: first spelling kept, ids in ISO order).
    claims.sort_by(|a, b| a.0.cmp(&b.0));
    let mut demonyms: Vec<(&'static str, String, Vec<CountryId>)> = Vec::with_capacity(300);
    for (key, d, id) in claims {
        match demonyms.last_mut() {
            Some((_, k, ids)) if *k == key => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            _ => demonyms.push((d, key, vec![id])),
        }
    }
    for (surface, key, ids) in demonyms {
        if is_ambiguous(&t, &key) || t.by_key.contains_key(&key) {
            continue;
        }
        let id = if ids.len() == 1 {
            ids[0]
        } else {
            match data::DEMONYM_OWNERS
                .iter()
                .find(|(d, _)| normalize(d) == key)
            {
                Some(&(_, code)) => id_of(code),
                None => {
                    conflicts.push(format!("demonym `{surface}` claimed by {ids:?}"));
                    continue;
                }
            }
        };
        t.add_form(Cow::Borrowed(surface), key, id);
    }
    (t, conflicts)
}

impl Gazetteer {
    /// The ISO countries only.
    ///
    /// The ISO table is built on the first call (well under a millisecond) and shared by
    /// every later call and clone.
    pub fn iso() -> Gazetteer {
        Gazetteer {
            iso: Arc::clone(iso_table()),
            extra: Table::default(),
        }
    }

    /// ISO countries plus site.yaml's extras. An extra whose name or alias collides with an ISO
    /// country's is an error string naming both.
    ///
    /// Also an error: an empty name, a code or slug already in use, an invalid slug, or two
    /// extras colliding with each other. An extra may claim a form refused as ambiguous
    /// ("Korea").
    pub fn with_extras(extras: &[ExtraEntity]) -> Result<Gazetteer, String> {
        let mut g = Gazetteer::iso();
        for e in extras {
            let name = e.name.trim();
            if name.is_empty() {
                return Err("site.yaml extra entity with an empty name".to_string());
            }
            if g.len() >= u16::MAX as usize {
                return Err("too many extra entities".to_string());
            }
            let id = CountryId(g.len() as u16);
            let slug = match &e.slug {
                Some(s) if slugify(s) != *s || s.is_empty() => {
                    return Err(format!(
                        "site.yaml extra entity `{name}`: slug `{s}` must be lowercase ASCII \
                         letters, digits and single hyphens"
                    ))
                }
                Some(s) => s.clone(),
                None => slugify(name),
            };
            if slug.is_empty() {
                return Err(format!(
                    "site.yaml extra entity `{name}`: cannot make a slug from its name; give `slug`"
                ));
            }
            if let Some(other) = g.by_slug(&slug) {
                return Err(format!(
                    "site.yaml extra entity `{name}`: slug `{slug}` is already used by `{}`",
                    g.get(other).name
                ));
            }
            let code = e.code.as_deref().map(str::trim).unwrap_or("");
            if !code.is_empty() {
                if let Some(other) = g.by_code(&code.to_uppercase()) {
                    return Err(format!(
                        "site.yaml extra entity `{name}`: code `{code}` is already the code of `{}`",
                        g.get(other).name
                    ));
                }
            }
            let forms: Vec<&str> = std::iter::once(name)
                .chain(e.aliases.iter().map(|a| a.trim()))
                .collect();
            for form in &forms {
                let key = normalize(form);
                if key.is_empty() {
                    return Err(format!(
                        "site.yaml extra entity `{name}`: alias `{form}` is empty"
                    ));
                }
                if let Some(other) = g.by_key(&key).filter(|&other| other != id) {
                    return Err(format!(
                        "site.yaml extra entity `{name}`: `{form}` collides with `{}`",
                        g.get(other).name
                    ));
                }
                g.extra.add_form(Cow::Owned(form.to_string()), key, id);
            }
            if !code.is_empty() {
                g.extra.by_code.insert(code.to_uppercase(), id);
            }
            let region = e
                .region
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .unwrap_or("International");
            let subregion = e
                .subregion
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .unwrap_or(region);
            g.extra.countries.push(Country {
                name: name.to_string(),
                slug,
                code: code.to_string(),
                flag: e.flag.clone().unwrap_or_default(),
                region: region.to_string(),
                region_slug: slugify(region),
                subregion: subregion.to_string(),
                subregion_slug: slugify(subregion),
            });
            g.extra.capitals.push(&[]);
        }
        Ok(g)
    }

    /// The entry a normalized form names.
    fn by_key(&self, key: &str) -> Option<CountryId> {
        self.iso
            .by_key
            .get(key)
            .or_else(|| self.extra.by_key.get(key))
            .copied()
    }

    /// Resolves a name, alias, demonym or (upper-case) code; see the module docs for the rules.
    pub fn lookup(&self, name: &str) -> Result<CountryId, UnknownCountry> {
        let compact: String = name.trim().chars().filter(|&c| c != '.').collect();
        if (2..=3).contains(&compact.len()) && compact.bytes().all(|b| b.is_ascii_uppercase()) {
            if let Some(id) = self.by_code(&compact) {
                return Ok(id);
            }
        }
        let key = normalize(name);
        if let Some(id) = self.by_key(&key) {
            return Ok(id);
        }
        if let Some((_, ids)) = self.iso.ambiguous.iter().find(|(k, _)| *k == key) {
            return Err(UnknownCountry {
                name: name.trim().to_string(),
                suggestion: None,
                ambiguous: ids.iter().map(|&id| self.get(id).name.clone()).collect(),
            });
        }
        Err(UnknownCountry {
            name: name.trim().to_string(),
            suggestion: self.suggest(&key).map(|id| self.get(id).name.clone()),
            ambiguous: Vec::new(),
        })
    }

    /// The entry whose accepted form is nearest to an (already normalized) unknown name.
    fn suggest(&self, key: &str) -> Option<CountryId> {
        if key.is_empty() {
            return None;
        }
        let mut best: Option<(f64, CountryId)> = None;
        for f in self.iso.forms.iter().chain(&self.extra.forms) {
            let score = strsim::normalized_damerau_levenshtein(key, &f.key);
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, f.id));
            }
        }
        best.filter(|(s, _)| *s >= SUGGESTION_THRESHOLD)
            .map(|(_, id)| id)
    }

    /// The country with this id. Panics if the id is not from this gazetteer.
    pub fn get(&self, id: CountryId) -> &Country {
        let i = id.0 as usize;
        match self.iso.countries.get(i) {
            Some(c) => c,
            None => &self.extra.countries[i - self.iso.countries.len()],
        }
    }

    /// Number of entries (ISO countries plus extras).
    pub fn len(&self) -> usize {
        self.iso.countries.len() + self.extra.countries.len()
    }

    /// True if there are no entries (never, for a gazetteer built by this module).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All entries with their ids, ISO countries (by alpha-2 code) first, then extras in
    /// site.yaml order.
    pub fn iter(&self) -> impl Iterator<Item = (CountryId, &Country)> {
        self.iso
            .countries
            .iter()
            .chain(&self.extra.countries)
            .enumerate()
            .map(|(i, c)| (CountryId(i as u16), c))
    }

    /// Capital city names of an ISO country (may be empty), for the importer.
    pub fn capitals(&self, id: CountryId) -> &[&'static str] {
        self.iso.capitals.get(id.0 as usize).copied().unwrap_or(&[])
    }

    /// Every (surface form, id) the lookup accepts: names, aliases, demonyms — for the importer.
    ///
    /// One form per normalized spelling, as spelled in the data ("Côte d'Ivoire", "U.S.",
    /// "American"); ISO entries first. Codes are not included (they match only in upper case;
    /// see [`Gazetteer::by_code`]); ambiguous forms ("Korean") are refused, so not included.
    /// Short aliases such as "US" or "UK" are case-insensitive in lookup: an importer scanning
    /// raw text should treat them with care.
    pub fn surface_forms(&self) -> impl Iterator<Item = (&str, CountryId)> {
        self.iso
            .forms
            .iter()
            .chain(&self.extra.forms)
            .map(|f| (f.surface.as_ref(), f.id))
    }

    /// The entry with this code (ISO alpha-2 or alpha-3, or an extra's code), upper case.
    pub fn by_code(&self, code: &str) -> Option<CountryId> {
        self.iso
            .by_code
            .get(code)
            .or_else(|| self.extra.by_code.get(code))
            .copied()
    }

    /// The entry with this slug.
    pub fn by_slug(&self, slug: &str) -> Option<CountryId> {
        self.iter().find(|(_, c)| c.slug == slug).map(|(id, _)| id)
    }
}

/// Folds one lower-case character to ASCII if it is an accented Latin letter.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Characters dropped without leaving a space: dots and apostrophes.
fn is_dropped(c: char) -> bool {
    matches!(c, '.' | '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | '`' | '´')
        || ('\u{0300}'..='\u{036f}').contains(&c) // combining diacritics (decomposed accents)
}

/// Normalizes a name for lookup: lower case, accents folded, dots and apostrophes removed,
/// `&` read as "and", every other non-alphanumeric character (hyphens, commas, parentheses,
/// whitespace) read as a single space, leading "the " dropped. `"The U.S.A."` → `"usa"`,
/// `"Côte d'Ivoire"` → `"cote divoire"`, `"Guinea-Bissau"` → `"guinea bissau"`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = true; // suppress leading and repeated spaces
    for upper in name.chars() {
        if upper.is_ascii_alphanumeric() {
            out.push(upper.to_ascii_lowercase());
            space = false;
            continue;
        }
        for c in upper.to_lowercase() {
            if is_dropped(c) {
                continue;
            }
            if let Some(f) = fold(c) {
                out.push_str(f);
                space = false;
            } else if c.is_alphanumeric() {
                out.push(c);
                space = false;
            } else if c == '&' {
                if !space {
                    out.push(' ');
                }
                out.push_str("and ");
                space = true;
            } else if !space {
                out.push(' ');
                space = true;
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    match out.strip_prefix("the ") {
        Some(rest) => rest.to_string(),
        None => out,
    }
}

/// Makes a URL slug: lowercase ASCII letters and digits, accents folded, dots and apostrophes
/// removed, `&` read as "and", anything else a single hyphen; no leading or trailing hyphen.
/// Characters that do not fold to ASCII are dropped. `"Côte d'Ivoire"` → `"cote-divoire"`,
/// `"U.S. Virgin Islands"` → `"us-virgin-islands"`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut hyphen = false; // a separator is pending
    let word = |out: &mut String, piece: &str, hyphen: &mut bool| {
        if *hyphen && !out.is_empty() {
            out.push('-');
        }
        *hyphen = false;
        out.push_str(piece);
    };
    for upper in s.chars() {
        if upper.is_ascii_alphanumeric() {
            word(
                &mut out,
                upper.to_ascii_lowercase().encode_utf8(&mut [0u8; 4]),
                &mut hyphen,
            );
            continue;
        }
        for c in upper.to_lowercase() {
            if is_dropped(c) {
                continue;
            }
            if let Some(f) = fold(c) {
                word(&mut out, f, &mut hyphen);
            } else if c.is_ascii_alphanumeric() {
                word(&mut out, c.encode_utf8(&mut [0u8; 4]), &mut hyphen);
            } else if c == '&' {
                hyphen = true;
                word(&mut out, "and", &mut hyphen);
                hyphen = true;
            } else if !c.is_alphanumeric() {
                hyphen = true;
            } // else: a letter that does not fold to ASCII is dropped
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> Gazetteer {
        Gazetteer::iso()
    }

    fn name(g: &Gazetteer, s: &str) -> String {
        match g.lookup(s) {
            Ok(id) => g.get(id).name.clone(),
            Err(e) => panic!("{e} (suggestion {:?})", e.suggestion),
        }
    }

    fn assert_resolves(g: &Gazetteer, canonical: &str, forms: &[&str]) {
        for f in forms {
            assert_eq!(name(g, f), canonical, "lookup({f:?})");
        }
    }

    #[test]
    fn table_is_complete_and_clean() {
        let (t, conflicts) = build_iso();
        let g = Gazetteer {
            iso: Arc::new(t),
            extra: Table::default(),
        };
        assert!(conflicts.is_empty(), "{conflicts:?}");
        assert_eq!(g.len(), 249);
        assert!(g.len() >= 245);
        assert!(!g.is_empty());
        for (_, c) in g.iter() {
            assert_eq!(c.code.len(), 2, "{c:?}");
            assert!(c.code.bytes().all(|b| b.is_ascii_uppercase()), "{c:?}");
            assert!(!c.flag.is_empty(), "{c:?}");
            assert!(!c.region.is_empty() && !c.subregion.is_empty(), "{c:?}");
            assert!(!c.region_slug.is_empty() && !c.subregion_slug.is_empty());
            assert!(!c.name.contains(','), "canonical name with a comma: {c:?}");
            assert!(!c.slug.is_empty());
            assert!(c
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            assert!(!c.slug.starts_with('-') && !c.slug.ends_with('-') && !c.slug.contains("--"));
            // Every canonical name resolves to itself.
            assert_eq!(name(&g, &c.name), c.name);
        }
        let aq = g.get(g.lookup("Antarctica").unwrap());
        assert_eq!(
            (aq.region.as_str(), aq.subregion.as_str()),
            ("Antarctica", "Antarctica")
        );
    }

    #[test]
    fn slugs_unique() {
        let g = g();
        let mut slugs: Vec<&str> = g.iter().map(|(_, c)| c.slug.as_str()).collect();
        slugs.sort_unstable();
        let n = slugs.len();
        slugs.dedup();
        assert_eq!(slugs.len(), n);
        let ci = g.get(g.lookup("CI").unwrap());
        assert_eq!(ci.slug, "ivory-coast");
        assert_eq!(g.get(g.lookup("VI").unwrap()).slug, "us-virgin-islands");
        assert_eq!(g.get(g.lookup("AX").unwrap()).slug, "aland-islands");
        assert_eq!(g.by_slug("united-states"), g.lookup("US").ok());
    }

    #[test]
    fn supplement_keys_are_iso_codes() {
        let g = g();
        let codes = data::CANONICAL_NAMES
            .iter()
            .map(|x| x.0)
            .chain(data::ALIASES.iter().map(|x| x.0))
            .chain(data::DEMONYMS.iter().map(|x| x.0))
            .chain(data::DEMONYM_OWNERS.iter().map(|x| x.1))
            .chain(data::REGION_FIXES.iter().map(|x| x.0))
            .chain(data::CAPITALS.iter().map(|x| x.0));
        for c in codes {
            assert!(g.by_code(c).is_some(), "{c}");
        }
        // `table` binary-searches: keys sorted and unique.
        fn sorted<T>(t: &[(&str, T)]) -> bool {
            t.windows(2).all(|w| w[0].0 < w[1].0)
        }
        assert!(sorted(data::CANONICAL_NAMES));
        assert!(sorted(data::ALIASES));
        assert!(sorted(data::DEMONYMS));
        assert!(sorted(data::CAPITALS));
        assert!(data::ISO.windows(2).all(|w| w[0].alpha2 < w[1].alpha2));
        // Upper-case aliases must not shadow (or be shadowed by) another country's code.
        for (code, aliases) in data::ALIASES {
            for a in *aliases {
                let compact: String = a.chars().filter(|&c| c != '.').collect();
                if let Some(id) = g.by_code(&compact) {
                    assert_eq!(g.get(id).code, *code, "{a}");
                }
            }
        }
    }

    #[test]
    fn united_states() {
        let g = g();
        for f in [
            "USA",
            "U.S.",
            "US",
            "us",
            "U.S.A.",
            "United States of America",
            "the United States",
            "America",
            "American",
            "american",
            "  united   states ",
        ] {
            let c = g.get(g.lookup(f).unwrap());
            assert_eq!(c.name, "United States", "{f}");
            assert_eq!(c.code, "US");
            assert_eq!(c.flag, "🇺🇸");
            assert_eq!(c.region, "Americas");
            assert_eq!(c.subregion, "Northern America");
            assert_eq!(c.slug, "united-states");
            assert_eq!(c.region_slug, "americas");
            assert_eq!(c.subregion_slug, "northern-america");
        }
    }

    #[test]
    fn russia_and_india() {
        let g = g();
        let ru = g.get(g.lookup("Russian Federation").unwrap());
        assert_eq!(ru.name, "Russia");
        assert_eq!(
            (ru.region.as_str(), ru.subregion.as_str()),
            ("Europe", "Eastern Europe")
        );
        assert_resolves(&g, "Russia", &["Russia", "Russian", "RU", "RUS"]);
        let india = g.get(g.lookup("India").unwrap());
        assert_eq!(
            (india.region.as_str(), india.subregion.as_str()),
            ("Asia", "Southern Asia")
        );
        assert_eq!(india.code, "IN");
        assert_resolves(&g, "India", &["IN", "IND", "Indian", "Republic of India"]);
        assert!(g.lookup("in").is_err());
        assert!(g.lookup("ind").is_err());
        assert_eq!(g.capitals(g.lookup("India").unwrap()), &["New Delhi"]);
        assert_eq!(g.capitals(g.lookup("Russia").unwrap()), &["Moscow"]);
        assert!(g.capitals(g.lookup("Antarctica").unwrap()).is_empty());
    }

    #[test]
    fn aliases() {
        let g = g();
        let cases: &[(&str, &[&str])] = &[
            (
                "United Kingdom",
                &[
                    "UK",
                    "U.K.",
                    "Britain",
                    "Great Britain",
                    "British",
                    "GB",
                    "GBR",
                    "United Kingdom of Great Britain and Northern Ireland",
                ],
            ),
            (
                "South Korea",
                &[
                    "Republic of Korea",
                    "ROK",
                    "South Korean",
                    "Korea (Republic of)",
                    "KR",
                ],
            ),
            (
                "North Korea",
                &[
                    "DPRK",
                    "D.P.R.K.",
                    "Democratic People's Republic of Korea",
                    "North Korean",
                ],
            ),
            (
                "China",
                &[
                    "PRC",
                    "People's Republic of China",
                    "Mainland China",
                    "Chinese",
                    "CN",
                ],
            ),
            (
                "Netherlands",
                &[
                    "Holland",
                    "the Netherlands",
                    "The Netherlands",
                    "Dutch",
                    "NLD",
                ],
            ),
            ("Iran", &["Persia", "Iran (Islamic Republic of)", "Iranian"]),
            ("Myanmar", &["Burma", "Burmese"]),
            ("United Arab Emirates", &["UAE", "U.A.E.", "Emirati"]),
            ("Saudi Arabia", &["KSA", "Saudi", "Saudi Arabian"]),
            ("Syria", &["Syrian Arab Republic", "Syrian"]),
            ("Vietnam", &["Viet Nam", "Vietnamese"]),
            ("Laos", &["Lao People's Democratic Republic", "Lao PDR"]),
            (
                "Bolivia",
                &[
                    "Bolivia (Plurinational State of)",
                    "Plurinational State of Bolivia",
                ],
            ),
            ("Venezuela", &["Venezuela (Bolivarian Republic of)"]),
            (
                "Tanzania",
                &[
                    "Tanzania, United Republic of",
                    "United Republic of Tanzania",
                ],
            ),
            ("Moldova", &["Republic of Moldova", "Moldova (Republic of)"]),
            ("Taiwan", &["Taiwan, Province of China", "Taiwanese"]),
            ("Czechia", &["Czech Republic", "Czech"]),
            (
                "Turkey",
                &[
                    "Türkiye",
                    "Turkiye",
                    "TURKIYE",
                    "Turkish",
                    "Republic of Türkiye",
                ],
            ),
            (
                "Palestine",
                &["State of Palestine", "Palestine, State of", "Palestinian"],
            ),
            ("Vatican City", &["Holy See", "the Holy See", "Vatican"]),
            (
                "Ivory Coast",
                &[
                    "Côte d'Ivoire",
                    "Cote d'Ivoire",
                    "Côte d’Ivoire",
                    "COTE D'IVOIRE",
                    "Ivorian",
                ],
            ),
            (
                "Democratic Republic of the Congo",
                &[
                    "DR Congo",
                    "DRC",
                    "Congo-Kinshasa",
                    "Congo Kinshasa",
                    "Congo (Democratic Republic of the)",
                    "COD",
                ],
            ),
            (
                "Republic of the Congo",
                &["Congo-Brazzaville", "Congo", "the Congo", "COG"],
            ),
            ("Eswatini", &["Swaziland", "Swazi"]),
            ("North Macedonia", &["Macedonia", "Macedonian"]),
            (
                "Micronesia",
                &[
                    "Federated States of Micronesia",
                    "Micronesia (Federated States of)",
                ],
            ),
            ("Brunei", &["Brunei Darussalam"]),
            ("Gambia", &["The Gambia", "the gambia"]),
            ("Philippines", &["Filipino", "the Philippines"]),
            ("France", &["French", "French Republic"]),
            ("Israel", &["Israeli"]),
            ("Ukraine", &["Ukrainian"]),
            ("Pakistan", &["Pakistani"]),
            ("Guinea-Bissau", &["Guinea Bissau", "Bissau-Guinean"]),
            ("Nigeria", &["Nigerian"]),
            ("Niger", &["Nigerien"]),
            ("Guinea", &["Guinean"]),
            ("Trinidad and Tobago", &["Trinidad & Tobago"]),
            (
                "Bosnia and Herzegovina",
                &["Bosnia & Herzegovina", "Bosnian", "Herzegovinian"],
            ),
            ("Antigua and Barbuda", &["Antiguan", "Barbudan"]),
            (
                "U.S. Virgin Islands",
                &["US Virgin Islands", "Virgin Islands (U.S.)"],
            ),
            ("Réunion", &["Reunion"]),
            (
                "Sao Tome and Principe",
                &["São Tomé and Príncipe", "Santomean"],
            ),
        ];
        for (canonical, forms) in cases {
            assert_resolves(&g, canonical, forms);
        }
    }

    #[test]
    fn ambiguous_forms_rejected() {
        let g = g();
        for f in [
            "Korean",
            "Korea",
            "Congolese",
            "Dominican",
            "Virgin Islander",
            "Channel Islander",
        ] {
            assert!(g.lookup(f).is_err(), "{f} should be ambiguous");
        }
        assert!(g.surface_forms().all(|(s, _)| normalize(s) != "korean"));
        let e = g.lookup("Korean").unwrap_err();
        assert_eq!(e.suggestion, None);
        assert_eq!(e.ambiguous, vec!["South Korea", "North Korea"]);
        assert_eq!(
            e.to_string(),
            "ambiguous country `Korean` (South Korea or North Korea)"
        );
        let e = g.lookup("the Congolese").unwrap_err();
        assert_eq!(e.ambiguous.len(), 2);
        assert!(g.lookup("Indai").unwrap_err().ambiguous.is_empty());
        // Territories do not take their sovereign's demonym.
        assert_eq!(name(&g, "French"), "France");
        assert_eq!(name(&g, "Indian"), "India");
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize("The U.S.A."), "usa");
        assert_eq!(normalize("  Côte  d'Ivoire "), "cote divoire");
        assert_eq!(normalize("Guinea-Bissau"), "guinea bissau");
        assert_eq!(normalize("Trinidad & Tobago"), "trinidad and tobago");
        assert_eq!(normalize("Korea (Republic of)"), "korea republic of");
        assert_eq!(normalize("Cote\u{301} d'Ivoire"), "cote divoire");
        assert_eq!(normalize("Theland"), "theland");
        assert_eq!(slugify("Côte d'Ivoire"), "cote-divoire");
        assert_eq!(slugify("Trinidad & Tobago"), "trinidad-and-tobago");
        assert_eq!(slugify("Cocos (Keeling) Islands"), "cocos-keeling-islands");
        assert_eq!(slugify("South-eastern Asia"), "south-eastern-asia");
        assert_eq!(slugify("  --  "), "");
    }

    #[test]
    fn codes_case_sensitive() {
        let g = g();
        assert_eq!(name(&g, "DE"), "Germany");
        assert_eq!(name(&g, "DEU"), "Germany");
        assert!(g.lookup("de").is_err());
        assert!(g.lookup("deu").is_err());
        assert_eq!(name(&g, "GB"), "United Kingdom");
        assert_eq!(g.by_code("USA"), g.lookup("United States").ok());
        // All codes resolve when upper case.
        for (id, c) in g.iter() {
            assert_eq!(g.lookup(&c.code), Ok(id));
        }
    }

    #[test]
    fn suggestions() {
        let g = g();
        for (typo, want) in [
            ("Indai", "India"),
            ("Rusia", "Russia"),
            ("Untied States", "United States"),
            ("Germnay", "Germany"),
            ("Phillipines", "Philippines"),
            ("Columbia", "Colombia"),
        ] {
            let e = g.lookup(typo).unwrap_err();
            assert_eq!(e.name, typo);
            assert_eq!(e.suggestion.as_deref(), Some(want), "{typo}");
            assert_eq!(e.to_string(), format!("unknown country `{typo}`"));
        }
        // Far from everything: no suggestion.
        assert_eq!(g.lookup("Atlantis").unwrap_err().suggestion, None);
        assert_eq!(g.lookup("Middle Earth").unwrap_err().suggestion, None);
        assert_eq!(g.lookup("").unwrap_err().suggestion, None);
    }

    #[test]
    fn extras() {
        let eu = ExtraEntity {
            name: "European Union".into(),
            code: Some("EU".into()),
            flag: Some("🇪🇺".into()),
            aliases: vec!["EU".into(), "E.U.".into()],
            ..Default::default()
        };
        let nato = ExtraEntity {
            name: "NATO".into(),
            region: Some("International".into()),
            subregion: Some("Alliances".into()),
            ..Default::default()
        };
        let g = Gazetteer::with_extras(&[eu.clone(), nato]).unwrap();
        assert_eq!(g.len(), 251);
        let id = g.lookup("EU").unwrap();
        assert_eq!(g.lookup("eu"), Ok(id));
        assert_eq!(g.lookup("E.U."), Ok(id));
        assert_eq!(g.lookup("european union"), Ok(id));
        let c = g.get(id);
        assert_eq!(c.name, "European Union");
        assert_eq!(c.slug, "european-union");
        assert_eq!(c.code, "EU");
        assert_eq!(c.region, "International");
        assert_eq!(c.subregion, "International");
        assert!(g.capitals(id).is_empty());
        assert!(g.surface_forms().any(|(s, i)| s == "EU" && i == id));
        let n = g.get(g.lookup("nato").unwrap());
        assert_eq!(
            (n.slug.as_str(), n.code.as_str(), n.flag.as_str()),
            ("nato", "", "")
        );
        assert_eq!(n.subregion_slug, "alliances");
        // ISO entries unchanged.
        assert_eq!(name(&g, "USA"), "United States");

        let france = ExtraEntity {
            name: "France".into(),
            ..Default::default()
        };
        let err = Gazetteer::with_extras(&[france]).unwrap_err();
        assert!(err.contains("France"), "{err}");
        let alias = ExtraEntity {
            name: "Quad".into(),
            aliases: vec!["American".into()],
            ..Default::default()
        };
        let err = Gazetteer::with_extras(&[alias]).unwrap_err();
        assert!(
            err.contains("Quad") && err.contains("United States"),
            "{err}"
        );
        let code = ExtraEntity {
            name: "Foo".into(),
            code: Some("FR".into()),
            ..Default::default()
        };
        assert!(Gazetteer::with_extras(&[code])
            .unwrap_err()
            .contains("France"));
        let dup = Gazetteer::with_extras(&[eu.clone(), eu]).unwrap_err();
        assert!(dup.contains("European Union"), "{dup}");
        let bad_slug = ExtraEntity {
            name: "Bar".into(),
            slug: Some("Bar Baz".into()),
            ..Default::default()
        };
        assert!(Gazetteer::with_extras(&[bad_slug]).is_err());
    }

    #[test]
    fn extra_entity_deserializes() {
        let e: ExtraEntity =
            serde_json::from_str(r#"{"name": "African Union", "aliases": ["AU"]}"#).unwrap();
        assert_eq!(e.name, "African Union");
        assert_eq!(e.aliases, vec!["AU".to_string()]);
        assert!(serde_json::from_str::<ExtraEntity>(r#"{"name": "X", "nope": 1}"#).is_err());
    }

    #[test]
    fn surface_forms_cover_lookup() {
        let g = g();
        let forms: Vec<(&str, CountryId)> = g.surface_forms().collect();
        assert!(forms.len() > 700, "{}", forms.len());
        for (s, id) in &forms {
            assert_eq!(g.lookup(s), Ok(*id), "{s}");
        }
        let us = g.lookup("US").unwrap();
        for f in ["United States", "USA", "America", "American"] {
            assert!(forms.contains(&(f, us)), "{f}");
        }
    }

    #[test]
    fn build_is_cheap() {
        let start = std::time::Instant::now();
        let n = 20;
        for _ in 0..n {
            std::hint::black_box(build_iso());
        }
        let per = start.elapsed() / n;
        eprintln!("building the ISO table: {per:?}");
        // Generous bound for unoptimized test builds; release builds take well under 1 ms,
        // and only the first `Gazetteer::iso()` of a process builds.
        assert!(per.as_millis() < 50, "{per:?}");
        let start = std::time::Instant::now();
        for _ in 0..1000 {
            std::hint::black_box(Gazetteer::iso());
        }
        assert!(start.elapsed().as_millis() < 50);
    }
}
