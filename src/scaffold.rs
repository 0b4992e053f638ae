//! `chancery init` and `chancery new`: files a user starts from.

use crate::error::{display_path, Error, Result};
use crate::parse::front_matter::quote_scalar;
use crate::urls::slugify;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Makes a new archive in `dir`: site.yaml, one example briefing, a .gitignore. Refuses to touch
/// a folder that already has a site.yaml or a content/ folder.
pub fn init(dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>> {
    for existing in ["site.yaml", "content"] {
        if dir.join(existing).exists() {
            return Err(Error::Refused(format!(
                "`{}` already exists; `chancery init` only makes new archives",
                display_path(&dir.join(existing))
            )));
        }
    }
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Briefings".to_string());
    let site_yaml = format!(
        "# chancery site settings; every key is optional. See the README for all of them.\n\
         title: {}\n\
         description: Foreign-affairs briefings by country, topic and date.\n\
         # base_url: https://example.org/briefings/   # turns on feeds, the sitemap and pretty links\n\
         paginate: 10\n\
         # disable: [regions, search]                 # optional parts not to build (see the README)\n\
         # entities:                                  # non-ISO bodies that may appear in `countries:`\n\
         #   - {{name: European Union, code: EU, aliases: [EU]}}\n\
         topics:\n  \
           diplomacy:\n    \
             description: \"Talks, visits and agreements between governments.\"\n  \
           defence:\n    \
             aliases: [defense, military]\n",
        quote_scalar(&name)
    );
    let briefing = briefing_text(
        "Welcome to your briefing archive",
        today,
        &["United Kingdom".to_string()],
        &["diplomacy".to_string()],
        "This is an example briefing. Edit it, or delete it and write your own with `chancery new \"Title\"`.\n\n\
         ## How briefings work\n\n\
         Each briefing is a Markdown file in `content/` with front matter at the top: a title, a date, the \
         countries and the topics it is about. `chancery build` turns the folder into a site you can browse \
         by country, by topic and by date.\n",
    );
    let files = [
        (dir.join("site.yaml"), site_yaml),
        (
            dir.join("content/briefings")
                .join(format!("{today}-welcome.md")),
            briefing,
        ),
        (
            dir.join(".gitignore"),
            "public/\n.public.chancery-*\n".to_string(),
        ),
    ];
    let mut written = Vec::new();
    for (path, text) in files {
        if path.exists() {
            continue;
        }
        crate::fs::write(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

/// What `chancery new` writes.
#[derive(Debug, Clone)]
pub struct NewBriefing {
    /// The title.
    pub title: String,
    /// The date (today unless given).
    pub date: NaiveDate,
    /// Country names.
    pub countries: Vec<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// Where it was filed.
    pub dateline: Option<String>,
}

/// Writes a dated briefing into `<root>/content/briefings/` (or `content/` when that folder
/// has no `briefings/`); never overwrites.
pub fn new_briefing(root: &Path, new: &NewBriefing) -> Result<PathBuf> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(Error::Refused(format!(
            "`{}` is not an archive (no content/ folder); run `chancery init {}` first, or pass --root",
            display_path(root),
            display_path(root)
        )));
    }
    let briefings = content.join("briefings");
    let folder = if briefings.is_dir() {
        briefings
    } else {
        content
    };
    let slug = slugify(&new.title);
    if slug.is_empty() {
        return Err(Error::Refused(
            "the title needs at least one letter or digit".to_string(),
        ));
    }
    let path = folder.join(format!("{}-{slug}.md", new.date));
    if path.exists() {
        return Err(Error::Refused(format!(
            "`{}` already exists; not overwriting it",
            display_path(&path)
        )));
    }
    let mut text = briefing_text(
        &new.title,
        new.date,
        &new.countries,
        &new.topics,
        "Write the briefing here.\n",
    );
    if let Some(dateline) = &new.dateline {
        text = text.replacen(
            "\ncountries:",
            &format!("\ndateline: {}\ncountries:", quote_scalar(dateline)),
            1,
        );
    }
    crate::fs::write(&path, text.as_bytes())?;
    Ok(path)
}

fn briefing_text(
    title: &str,
    date: NaiveDate,
    countries: &[String],
    topics: &[String],
    body: &str,
) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| quote_scalar(i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "---\ntitle: {}\ndate: {date}\ncountries: [{}]\ntopics: [{}]\n# summary: One or two sentences for lists and feeds.\n# source: {{name: ..., url: ...}}\n---\n{body}",
        quote_scalar(title),
        list(countries),
        list(topics)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_writes_a_site_yaml_that_parses() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), NaiveDate::from_ymd_opt(2024, 1, 2).unwrap()).unwrap();
        let config = crate::config::SiteConfig::load(dir.path()).unwrap();
        assert!(config.topics["diplomacy"].description.is_some());
        assert!(dir
            .path()
            .join("content/briefings/2024-01-02-welcome.md")
            .exists());
    }

    #[test]
    fn quoting_keeps_yaml_valid() {
        assert_eq!(quote_scalar("India"), "India");
        assert_eq!(quote_scalar("Talks: round two"), "\"Talks: round two\"");
        assert_eq!(quote_scalar("yes"), "\"yes\"");
        assert_eq!(quote_scalar("say \"hi\""), "\"say \\\"hi\\\"\"");
    }
}
