//! `ipartnerschap`: dispatches to a subcommand (see `src/cli/`).

fn main() -> std::process::ExitCode {
    ipartnerschap::cli::main()
}
