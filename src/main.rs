//! The `chancery` command: parses arguments, runs one subcommand, prints the outcome once.

use chancery::error::{display_path, plural, Error};
use chancery::{build, check, import, scaffold, BuildOptions};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// A static site generator for briefing archives.
#[derive(Debug, Parser)]
#[command(name = "chancery", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the archive into a static site.
    Build(BuildArgs),
    /// Make a new archive (site.yaml and an example briefing) in DIR.
    Init(InitArgs),
    /// Write a new dated briefing with its front matter filled in.
    New(NewArgs),
    /// Turn raw articles (.txt, .html, .md without front matter) into tagged briefings.
    Import(ImportArgs),
    /// Build in memory and report broken links, missing images and unreachable briefings.
    Check(CheckArgs),
    /// Build, serve the site on localhost, and rebuild and reload on every change.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The archive folder (holds content/ and site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// The address to listen on; 0.0.0.0 lets other machines see the preview.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Show briefings marked `draft: true` too.
    #[arg(long)]
    drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Print how long each stage of every rebuild took.
    #[arg(long)]
    timings: bool,
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// The archive folder (holds content/ and site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The output folder [default: ROOT/public].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The URL the site will be published at; turns on feeds, sitemap and pretty links.
    #[arg(long)]
    base_url: Option<String>,
    /// Build briefings marked `draft: true` too.
    #[arg(long)]
    drafts: bool,
    /// Print how long each stage took.
    #[arg(long)]
    timings: bool,
    /// Ignore the build cache: parse every briefing and render every page.
    #[arg(long)]
    no_cache: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The archive folder (holds content/ and site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The URL the site will be published at (checks the pretty links such a build writes).
    #[arg(long)]
    base_url: Option<String>,
    /// Check briefings marked `draft: true` too.
    #[arg(long)]
    drafts: bool,
    /// Also request every external http(s) link.
    #[arg(long)]
    external: bool,
    /// External requests at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: u16,
    /// Seconds allowed for one external request.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The folder to make the archive in (created if missing).
    dir: PathBuf,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// The briefing's title.
    title: String,
    /// The archive folder.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The date, YYYY-MM-DD [default: today].
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// Countries, comma-separated ("India,Russia").
    #[arg(long, value_delimiter = ',')]
    countries: Vec<String>,
    /// Topics, comma-separated ("diplomacy,defence").
    #[arg(long, value_delimiter = ',')]
    topics: Vec<String>,
    /// Where it was filed ("New Delhi").
    #[arg(long)]
    dateline: Option<String>,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// Files and folders of raw articles (.txt, .html/.htm, .md without front matter).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The archive folder.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the briefings, relative to ROOT [default: content/briefings].
    #[arg(long)]
    into: Option<PathBuf>,
    /// Write nothing; show each briefing's path and front matter.
    #[arg(long)]
    dry_run: bool,
    /// The date, YYYY-MM-DD, of articles that carry none.
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => run_build(args),
        Command::Init(args) => run_init(args),
        Command::New(args) => run_new(args),
        Command::Import(args) => run_import(args),
        Command::Check(args) => run_check(args),
        Command::Serve(args) => run_serve(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn run_build(args: BuildArgs) -> Result<(), Error> {
    let options = BuildOptions {
        root: args.root,
        out: args.out,
        base_url: args.base_url,
        drafts: args.drafts,
        no_cache: args.no_cache,
        ends_process: true,
        on_wait: Some(|out| {
            eprintln!(
                "waiting for another build into {} to finish",
                display_path(out)
            )
        }),
    };
    let report = build(&options)?;
    if args.timings {
        for (stage, seconds) in &report.timings {
            eprintln!("{stage:>14}: {:8.1} ms", seconds * 1000.0);
        }
    }
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    if !report.feeds_written {
        eprintln!("note: no base_url, so feeds and sitemap.xml were skipped (set `base_url` in site.yaml or pass --base-url)");
    }
    let unchanged = match report.pages_reused {
        0 => String::new(),
        reused => format!(" ({reused} unchanged)"),
    };
    println!(
        "Built {} briefing{}, {} countr{}, {} topic{}: {} pages{unchanged} in {:.2} s -> {}",
        report.briefings,
        plural(report.briefings),
        report.countries,
        if report.countries == 1 { "y" } else { "ies" },
        report.topics,
        plural(report.topics),
        report.pages,
        report.seconds,
        display_path(&report.out)
    );
    Ok(())
}

/// Prints what `chancery serve` reports: progress on stdout, errors and warnings on stderr.
struct Terminal;

impl chancery::serve::Reporter for Terminal {
    fn info(&self, line: &str) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        // Tests and scripts read the address from a pipe: do not let it sit in a buffer.
        let _ = out.flush();
    }

    fn error(&self, text: &str) {
        eprintln!("{text}");
    }
}

fn run_serve(args: ServeArgs) -> Result<(), Error> {
    let options = chancery::serve::ServeOptions {
        root: args.root,
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        open: args.open,
        timings: args.timings,
    };
    chancery::serve::run(&options, &Terminal)
}

fn run_check(args: CheckArgs) -> Result<(), Error> {
    let options = check::CheckOptions {
        root: args.root,
        base_url: args.base_url,
        drafts: args.drafts,
        external: args.external,
        jobs: usize::from(args.jobs),
        timeout: std::time::Duration::from_secs(args.timeout),
    };
    let report = check::check(&options).map_err(|error| match error {
        // The build's closing line speaks of the previous output, which check never touches.
        Error::Invalid(diagnostics) => {
            for diagnostic in &diagnostics {
                eprintln!("{diagnostic}");
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            Error::Refused(format!(
                "check failed: the archive does not build ({errors} error{})",
                plural(errors)
            ))
        }
        other => other,
    })?;
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    for problem in &report.problems {
        println!("{problem}");
    }
    let external = match options.external {
        true => format!(", {} external URLs", report.external_links),
        false => String::new(),
    };
    let checked = format!(
        "{} pages, {} internal links{external}",
        report.pages, report.internal_links
    );
    match report.problems.len() {
        0 => {
            println!("Checked {checked}: nothing broken");
            Ok(())
        }
        n => Err(Error::Refused(format!(
            "Checked {checked}: {n} problem{} (listed above)",
            plural(n)
        ))),
    }
}

fn run_init(args: InitArgs) -> Result<(), Error> {
    let today = chrono::Local::now().date_naive();
    let written = scaffold::init(&args.dir, today)?;
    for path in &written {
        println!("created {}", display_path(path));
    }
    let dir = display_path(&args.dir);
    println!("Build it with: chancery build --root {dir}");
    Ok(())
}

fn run_new(args: NewArgs) -> Result<(), Error> {
    let new = scaffold::NewBriefing {
        title: args.title,
        date: args
            .date
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        countries: args.countries,
        topics: args.topics,
        dateline: args.dateline,
    };
    let path = scaffold::new_briefing(&args.root, &new)?;
    println!("created {}", display_path(&path));
    Ok(())
}

fn run_import(args: ImportArgs) -> Result<(), Error> {
    let options = import::ImportOptions {
        root: args.root,
        paths: args.paths,
        into: args.into,
        dry_run: args.dry_run,
        date: args.date,
    };
    let mut progress = import::report::Progress::stderr();
    let report = import::import(&options, &mut |done, total| progress.update(done, total))?;
    print!("{}", import::report::previews(&report));
    print!("{}", import::report::table(&report));
    let failures = report.failures();
    if failures.is_empty() {
        return Ok(());
    }
    for failure in &failures {
        eprintln!("{failure}");
    }
    Err(Error::Refused(format!(
        "import: {} file{} failed (listed above); the others were imported",
        failures.len(),
        plural(failures.len())
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

/// The build allocates millions of short-lived strings across threads (views, template values);
/// mimalloc handles that pattern markedly better than glibc's allocator.
///
/// Its arenas ask for transparent huge pages; builds turn them down (`load::avoid_huge_pages`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
