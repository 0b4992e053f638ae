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
    tera.register_filter("safe", safe);
    tera.add_raw_templates(
        sources
            .iter()
            .map(|(name, source)| (name.as_str(), source.text.as_str())),
    )
    .map_err(|error| Error::Invalid(vec![diagnostic(&error, sources)]))?;
    Ok(tera)
}

/// Tera's `safe` filter, without its copy: a string is marked safe as it is, its text shared
/// (Tera's own copies it), and anything else becomes its text, marked safe, as with Tera's.
/// Every briefing's body and every card of every list goes through `| safe`: at 10,000
/// briefings that was over a hundred megabytes of copying.
fn safe(value: &tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    match value.is_string() {
        true => value.clone().mark_safe(),
        false => tera::Value::safe_string(&value.to_string()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, value: tera::Value) -> String {
        let mut tera = Tera::new();
        tera.register_filter("safe", safe);
        tera.add_raw_template("t.html", template).unwrap();
        let mut context = tera::Context::new();
        context.insert_value("v", value);
        tera.render("t.html", &context).unwrap()
    }

    #[test]
    fn safe_marks_strings_and_stringifies_the_rest_as_teras_own_does() {
        let long = "<b>a body far longer than Tera keeps inline</b> &amp;".to_string();
        assert_eq!(render("{{ v | safe }}", long.as_str().into()), long);
        assert_eq!(render("{{ v }}", "<b>".into()), "&lt;b&gt;");
        assert_eq!(render("{{ v | safe }}", "<i>".into()), "<i>");
        assert_eq!(render("{{ v | safe }}", 42.into()), "42");
        assert_eq!(render("{{ v | safe | upper }}", "<i>".into()), "<I>");
        let list = tera::Value::from(vec![tera::Value::from("<a>")]);
        let mut plain = Tera::new();
        plain.add_raw_template("t.html", "{{ v | safe }}").unwrap();
        let mut context = tera::Context::new();
        context.insert_value("v", list.clone());
        assert_eq!(
            render("{{ v | safe }}", list),
            plain.render("t.html", &context).unwrap()
        );
    }
}
