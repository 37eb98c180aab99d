//! Finding the program a command runs, as the shell would.

use std::path::Path;

/// A hook command whose program cannot be found, as `check` reports it: the first word
/// of the command, looked up as the shell would (relative paths from the desk root).
pub fn missing_program(root: &Path, command: &str) -> Option<String> {
    let program = command.split_whitespace().next()?;
    // Shell syntax (assignments, builtins, quoting, subshells) is the shell's business.
    if program.contains(['=', '\'', '"', '$', '(', '`', '{', ';', '|', '&'])
        || [
            "cd", "exec", "test", "[", "echo", "printf", "true", ":", ".",
        ]
        .contains(&program)
    {
        return None;
    }
    let runnable = |p: &Path| p.is_file() && is_executable(p);
    let found = if program.contains('/') {
        runnable(&root.join(program))
    } else {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|d| runnable(&d.join(program))))
    };
    (!found).then(|| program.to_string())
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.exists()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_programs_are_found_as_the_shell_would() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(missing_program(dir.path(), "sh -c true"), None);
        assert_eq!(
            missing_program(dir.path(), "./hooks/mail.sh x"),
            Some("./hooks/mail.sh".into())
        );
        assert_eq!(
            missing_program(dir.path(), "no-such-program-xyz --flag"),
            Some("no-such-program-xyz".into())
        );
        assert_eq!(missing_program(dir.path(), "FOO=1 ./x"), None);
    }
}
