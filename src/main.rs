//! The `chancery` command: parses arguments, runs one subcommand, prints the outcome once.

use chancery::error::{display_path, plural, Error};
use chancery::{build, scaffold, BuildOptions};
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => run_build(args),
        Command::Init(args) => run_init(args),
        Command::New(args) => run_new(args),
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
    println!(
        "Built {} briefing{}, {} countr{}, {} topic{}: {} pages in {:.2} s -> {}",
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
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
