use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let env_set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    let color = env_set("CLICOLOR_FORCE") || (stdout_is_terminal && !env_set("NO_COLOR"));
    let mut stdout = BufWriter::new(std::io::stdout().lock());
    let mut stderr = std::io::stderr().lock();
    let mut stdin = std::io::stdin().lock();
    let mut io = iam_lint::Io { stdin: &mut stdin, stdout: &mut stdout, stderr: &mut stderr, color, graphical: color };
    let exit = iam_lint::run(std::env::args_os(), &mut io);
    // A closed pipe (`iam-lint check | head`) is not a failure.
    let _ = stdout.flush();
    ExitCode::from(exit as u8)
}
