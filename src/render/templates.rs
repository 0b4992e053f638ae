//! One compiled Tera instance per build, from the theme's templates.

use crate::error::{Diagnostic, Error, Result};
use crate::theme::{Origin, TemplateSource};
use std::collections::BTreeMap;
use std::path::PathBuf;
use tera::{ErrorKind, Tera};

/// Compiles every template at once (inheritance needs them all), reporting errors with the
/// template file and line.
pub fn compile(sources: &BTreeMap<String, TemplateSource>) -> Result<Tera> {
    let mut tera = Tera::new();
    tera.add_raw_templates(
        sources
            .iter()
            .map(|(name, source)| (name.as_str(), source.text.as_str())),
    )
    .map_err(|error| Error::Invalid(vec![diagnostic(&error, sources)]))?;
    Ok(tera)
}

/// A Tera error as a located diagnostic on the template's file.
pub fn diagnostic(error: &tera::Error, sources: &BTreeMap<String, TemplateSource>) -> Diagnostic {
    let path_of = |name: &str| match sources.get(name).map(|s| &s.origin) {
        Some(Origin::File(path)) => path.clone(),
        _ => PathBuf::from(format!("templates/{name} (default theme)")),
    };
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            Diagnostic::error(
                path_of(report.filename()),
                format!("template error: {}", report.message()),
            )
            .at(span.start_line, span.start_col + 1)
            .hint("see the README's \"Template variables\" for what each template can use")
        }
        _ => Diagnostic::error(
            PathBuf::from("templates"),
            format!("template error: {error}"),
        ),
    }
}
