//! `chancery build` with the system allocator, for heap profilers.
//!
//! The `chancery` binary uses mimalloc, which heaptrack and valgrind's massif cannot see into;
//! this example builds through the library with glibc's malloc, so they attribute every byte:
//!
//! ```sh
//! cargo build --release --example profile_build
//! heaptrack target/release/examples/profile_build --root /dev/shm/c100k --out /dev/shm/o100k
//! ```
//!
//! Flags: `--root DIR`, `--out DIR`, `--no-cache`, `--timings`.

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut options = chancery::BuildOptions::new(".");
    let mut timings = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--root" => options.root = PathBuf::from(args.next().expect("--root DIR")),
            "--out" => options.out = Some(PathBuf::from(args.next().expect("--out DIR"))),
            "--no-cache" => options.no_cache = true,
            "--timings" => timings = true,
            other => panic!("unknown argument {other}"),
        }
    }
    match chancery::build(&options) {
        Ok(report) => {
            if timings {
                for (stage, seconds) in &report.timings {
                    eprintln!("{stage:>14}: {:8.1} ms", seconds * 1000.0);
                }
            }
            eprintln!(
                "built {} briefings, {} pages ({} reused) in {:.2} s",
                report.briefings, report.pages, report.pages_reused, report.seconds
            );
        }
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    }
}
