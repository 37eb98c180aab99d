//! The map of the library's layers, and the test that keeps every module to it.
//!
//! A module may use (by a `crate::` or `super::` path, outside `#[cfg(test)]` code) only
//! the modules listed before it in [`LAYERS`]: those of lower layers, and those earlier in
//! its own layer, so that no two modules can use each other. The binary (`src/main.rs`,
//! `src/cli/`) sits on top and may use anything. Tests may reach anywhere: they are not
//! part of what a module needs in order to be understood.
//!
//! The check reads the source text rather than asking the compiler: paths are taken as
//! written, so a path through a re-export counts as a use of the module that re-exports.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

/// The layers, bottom to top, each with its top-level modules in the order they may use
/// each other (a module uses only those before it). A new top-level module must be placed
/// here, or this test fails.
const LAYERS: &[(&str, &[&str])] = &[
    // Plain values: errors, TOML key paths, name suggestions, rendering (tables, CSV,
    // spreadsheet cells), the ticket vocabulary and its words for people (i18n), and time (calendar, SLA targets, periods,
    // reading typed dates).
    (
        "values",
        &[
            "error", "keypath", "names", "vocab", "i18n", "output", "time",
        ],
    ),
    // svcdesk.toml parsed and validated, with the SLA policy and hook rules compiled.
    ("config", &["config"]),
    // The desk on disk: finding it, paths, IDs, the lock, atomic writes, TOML editing,
    // the journal.
    ("desk", &["desk"]),
    // Records and their histories: tickets, measures, customers, reports, work logs.
    ("records", &["model"]),
    // Pure folds over records: SLA evaluation, statistics, ledgers, templates (their
    // context is built from records and SLA runs), `check`.
    (
        "folds",
        &["sla", "stats", "ledger", "template", "check", "workbook"],
    ),
    // What reaches outside the desk: hooks and git.
    ("effects", &["hooks", "git"]),
];

/// Items the crate root re-exports, by the module they come from.
const ROOT_ITEMS: &[(&str, &str)] = &[("Error", "error"), ("Result", "error")];

#[test]
fn no_module_uses_one_above_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let rel = entry.path().strip_prefix(root).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.push((rel, std::fs::read_to_string(entry.path()).unwrap()));
        }
    }
    assert!(files.len() > 20, "found only {} source files", files.len());
    let offences = offences(&files);
    assert!(
        offences.is_empty(),
        "modules that use a module above them (see the map in src/layers_test.rs):\n{}",
        offences.join("\n")
    );
}

#[test]
fn an_upward_use_is_reported() {
    let files = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    };
    let found = offences(&files(&[
        (
            "src/lib.rs",
            "pub mod config;\n#[cfg(test)]\nmod scratch;\n",
        ),
        (
            "src/config/mod.rs",
            "use crate::sla::Policy;\nuse crate::{error::Error, hooks::{run, trust}};\n",
        ),
        (
            "src/stats.rs",
            "fn f() { crate::ledger::sheet::intern(\"x\"); }",
        ),
        ("src/model/measure.rs", "use super::super::git::merge;"),
        ("src/newthing.rs", "use crate::error::Error;"),
        ("src/desk/mod.rs", "fn f() -> crate::Result<()> { Ok(()) }"),
        ("src/scratch.rs", "use crate::git::merge;"),
        ("src/cli/mod.rs", "use crate::git::merge;"),
    ]));
    assert_eq!(
        found,
        [
            "src/config/mod.rs: crate::hooks::run (config) -> effects",
            "src/config/mod.rs: crate::hooks::trust (config) -> effects",
            "src/config/mod.rs: crate::sla::Policy (config) -> folds",
            "src/model/measure.rs: crate::git::merge (records) -> effects",
            "src/newthing.rs: module `newthing` is in no layer of the map",
            "src/stats.rs: crate::ledger::sheet::intern (folds: stats) -> folds: ledger, listed after it",
        ]
    );
}

#[test]
fn test_code_comments_and_strings_are_not_uses() {
    let text = r####"
//! Uses [`crate::git`] in a comment only.
use crate::error::Error; /* crate::hooks::run */
fn f() -> &'static str {
    let _c = '"'; let _d = '\''; let _b = b"crate::git";
    let _r = r#"crate::git "quoted""#;
    "crate::hooks::run"
}
#[cfg(test)]
mod tests {
    use crate::git::merge;
    fn g() { let _ = "}"; }
}
#[cfg(test)]
#[path = "time_tests.rs"]
mod more_tests;
fn h<'a>(x: &'a str) -> &'a str { x }
struct S { t: crate::sla::TimerStatus }
"####;
    let files = [
        ("src/time/mod.rs".to_string(), text.to_string()),
        (
            "src/time/time_tests.rs".to_string(),
            "use crate::git::merge;".to_string(),
        ),
    ];
    assert_eq!(
        offences(&files),
        ["src/time/mod.rs: crate::sla::TimerStatus (values) -> folds"]
    );
}

/// Every use of a module above the user's place in [`LAYERS`], and every module that has
/// no place, one line each, sorted. `files` are (path from the crate root, text).
fn offences(files: &[(String, String)]) -> Vec<String> {
    let scanned: Vec<(&str, Scan)> = files.iter().map(|(p, t)| (p.as_str(), scan(t))).collect();
    let test_files: HashSet<String> = scanned
        .iter()
        .flat_map(|(path, s)| s.test_mods.iter().map(|m| test_file(path, m)))
        .collect();
    let mut out = BTreeSet::new();
    for (path, s) in &scanned {
        let binary = *path == "src/main.rs" || path.starts_with("src/cli/");
        if binary || *path == "src/lib.rs" || s.all_test || test_files.contains(*path) {
            continue;
        }
        let module = module_of(path);
        let Some(from) = place(&module) else {
            out.insert(format!(
                "{path}: module `{}` is in no layer of the map",
                module[0]
            ));
            continue;
        };
        for target in &s.paths {
            let Some(target) = resolve(&module, target) else {
                continue;
            };
            let shown = format!("crate::{}", target.join("::"));
            match place(&target) {
                None => {
                    out.insert(format!("{path}: {shown} is in no layer of the map"));
                }
                Some(to) if to.layer > from.layer => {
                    out.insert(format!(
                        "{path}: {shown} ({}) -> {}",
                        LAYERS[from.layer].0, LAYERS[to.layer].0
                    ));
                }
                Some(to) if to.layer == from.layer && to.order > from.order => {
                    let layer = LAYERS[from.layer];
                    out.insert(format!(
                        "{path}: {shown} ({}: {}) -> {}: {}, listed after it",
                        layer.0, layer.1[from.order], layer.0, layer.1[to.order]
                    ));
                }
                Some(_) => {}
            }
        }
    }
    out.into_iter().collect()
}

struct Place {
    layer: usize,
    order: usize,
}

fn place(module: &[String]) -> Option<Place> {
    let first = module.first()?.as_str();
    let first = ROOT_ITEMS
        .iter()
        .find(|(item, _)| *item == first)
        .map_or(first, |(_, m)| m);
    LAYERS.iter().enumerate().find_map(|(layer, (_, modules))| {
        let order = modules.iter().position(|m| *m == first)?;
        Some(Place { layer, order })
    })
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`.
fn module_of(path: &str) -> Vec<String> {
    let path = path.strip_prefix("src/").unwrap_or(path);
    let path = path.strip_suffix(".rs").unwrap_or(path);
    let path = path.strip_suffix("/mod").unwrap_or(path);
    path.split('/').map(String::from).collect()
}

/// The file of a `#[cfg(test)] mod NAME;` declared in `path`.
fn test_file(path: &str, m: &TestMod) -> String {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let own_dir = match path.rsplit_once('/') {
        Some((d, f)) if f == "mod.rs" || f == "lib.rs" || f == "main.rs" => d.to_string(),
        _ => path.strip_suffix(".rs").unwrap_or(path).to_string(),
    };
    match &m.path_attr {
        Some(p) => format!("{dir}/{p}"),
        None => format!("{own_dir}/{}.rs", m.name),
    }
}

/// A path as written (`crate::...` or `super::...`) as segments after `crate`.
fn resolve(module: &[String], path: &[String]) -> Option<Vec<String>> {
    match path.first()?.as_str() {
        "crate" => Some(path[1..].to_vec()),
        _ => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            let keep = module.len().checked_sub(ups)?;
            let mut out = module[..keep].to_vec();
            out.extend_from_slice(&path[ups..]);
            (!out.is_empty()).then_some(out)
        }
    }
}

// ---------------------------------------------------------------- reading Rust source

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    PathSep,
    Punct(char),
    /// A character or byte literal.
    Char,
}

struct TestMod {
    name: String,
    path_attr: Option<String>,
}

#[derive(Default)]
struct Scan {
    /// Every `crate::` and `super::` path outside test code, use trees expanded.
    paths: Vec<Vec<String>>,
    /// `#[cfg(test)] mod NAME;`: files that are test code.
    test_mods: Vec<TestMod>,
    /// `#![cfg(test)]`: the whole file is test code.
    all_test: bool,
}

fn scan(text: &str) -> Scan {
    let t = tokens(text);
    let at = |i: usize| t.get(i);
    let ident = |i: usize, s: &str| matches!(at(i), Some(Tok::Ident(x)) if x == s);
    let punct = |i: usize, c: char| at(i) == Some(&Tok::Punct(c));
    let mut scan = Scan {
        all_test: punct(0, '#') && punct(1, '!') && is_cfg_test(&t, 2),
        ..Scan::default()
    };
    let mut i = 0;
    while i < t.len() {
        if punct(i, '#') && is_cfg_test(&t, i + 1) {
            i = skip_group(&t, i + 1);
            let mut path_attr = None;
            while punct(i, '#') && punct(i + 1, '[') {
                if ident(i + 2, "path")
                    && punct(i + 3, '=')
                    && let Some(Tok::Str(p)) = at(i + 4)
                {
                    path_attr = Some(p.clone());
                }
                i = skip_group(&t, i + 1);
            }
            if ident(i, "pub") {
                i += 1;
            }
            if ident(i, "mod")
                && let (Some(Tok::Ident(name)), true) = (at(i + 1), punct(i + 2, ';'))
            {
                scan.test_mods.push(TestMod {
                    name: name.clone(),
                    path_attr,
                });
            }
            i = skip_item(&t, i);
            continue;
        }
        let starts_path = at(i + 1) == Some(&Tok::PathSep)
            && ((ident(i, "crate") && !(i > 0 && punct(i - 1, '$')))
                || (ident(i, "super") && !(i > 0 && at(i - 1) == Some(&Tok::PathSep))));
        if starts_path {
            let Some(Tok::Ident(first)) = at(i) else {
                unreachable!()
            };
            i = use_tree(&t, i + 2, vec![first.clone()], &mut scan.paths);
            continue;
        }
        i += 1;
    }
    scan
}

/// Whether `t[i..]` is `[cfg(test)]`.
fn is_cfg_test(t: &[Tok], i: usize) -> bool {
    let want = [
        Tok::Punct('['),
        Tok::Ident("cfg".into()),
        Tok::Punct('('),
        Tok::Ident("test".into()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    t.get(i..i + want.len()) == Some(&want[..])
}

/// The index after the bracketed group that opens at `t[i]`.
fn skip_group(t: &[Tok], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < t.len() {
        match t[i] {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// The index after the item starting at `t[i]`: its `;`, or the end of its body.
fn skip_item(t: &[Tok], mut i: usize) -> usize {
    while i < t.len() {
        match t[i] {
            Tok::Punct(';') => return i + 1,
            Tok::Punct('{') => return skip_group(t, i),
            Tok::Punct('(' | '[') => i = skip_group(t, i),
            _ => i += 1,
        }
    }
    i
}

/// Reads the rest of a path whose segments so far are `prefix`, from `t[i]` just after a
/// `::`; a use tree's groups give one path per leaf. Returns the index after it.
fn use_tree(t: &[Tok], mut i: usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    loop {
        match t.get(i) {
            Some(Tok::Ident(s)) if s == "self" => {
                out.push(prefix);
                return i + 1;
            }
            Some(Tok::Ident(s)) => {
                prefix.push(s.clone());
                if t.get(i + 1) == Some(&Tok::PathSep) {
                    i += 2;
                    continue;
                }
                out.push(prefix);
                return i + 1;
            }
            Some(Tok::Punct('*')) => {
                out.push(prefix);
                return i + 1;
            }
            Some(Tok::Punct('{')) => {
                i += 1;
                loop {
                    match t.get(i) {
                        Some(Tok::Punct('}')) | None => return i + 1,
                        Some(Tok::Punct(',')) => i += 1,
                        Some(Tok::Ident(s)) if s == "as" => i += 2,
                        _ => i = use_tree(t, i, prefix.clone(), out).max(i + 1),
                    }
                }
            }
            _ => {
                out.push(prefix);
                return i;
            }
        }
    }
}

/// Identifiers, string literals, `::` and single punctuation; comments and whitespace
/// dropped, so that only code is read.
fn tokens(text: &str) -> Vec<Tok> {
    let c: Vec<char> = text.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if ch == '"' {
            let (s, next) = string(&c, i + 1);
            out.push(Tok::Str(s));
            i = next;
        } else if ch == '\'' {
            if at(i + 1) == '\\' {
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                out.push(Tok::Char);
                i += 1;
            } else if at(i + 2) == '\'' {
                out.push(Tok::Char);
                i += 3;
            } else {
                // A lifetime: its name follows as an identifier.
                i += 1;
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            let prefix = matches!(word.as_str(), "r" | "b" | "br" | "c" | "cr");
            if prefix && (at(i) == '"' || (word.ends_with('r') && at(i) == '#')) {
                let raw = word.ends_with('r');
                let hashes = c[i..].iter().take_while(|h| **h == '#').count();
                if at(i + hashes) == '"' {
                    let (s, next) = if raw {
                        raw_string(&c, i + hashes + 1, hashes)
                    } else {
                        string(&c, i + 1)
                    };
                    out.push(Tok::Str(s));
                    i = next;
                    continue;
                }
                if word == "r" && hashes == 1 {
                    // A raw identifier, r#type.
                    i += 1;
                    continue;
                }
            }
            if word == "b" && at(i) == '\'' {
                continue;
            }
            out.push(Tok::Ident(word));
        } else if ch == ':' && at(i + 1) == ':' {
            out.push(Tok::PathSep);
            i += 2;
        } else {
            out.push(Tok::Punct(ch));
            i += 1;
        }
    }
    out
}

/// A string's text from `c[i]`, just after its opening quote, and the index after it.
fn string(c: &[char], mut i: usize) -> (String, usize) {
    let mut s = String::new();
    while i < c.len() && c[i] != '"' {
        if c[i] == '\\' {
            i += 1;
        }
        if let Some(ch) = c.get(i) {
            s.push(*ch);
        }
        i += 1;
    }
    (s, i + 1)
}

fn raw_string(c: &[char], mut i: usize, hashes: usize) -> (String, usize) {
    let start = i;
    while i < c.len() {
        if c[i] == '"'
            && c[i + 1..]
                .iter()
                .take(hashes)
                .filter(|h| **h == '#')
                .count()
                == hashes
        {
            return (c[start..i].iter().collect(), i + 1 + hashes);
        }
        i += 1;
    }
    (c[start..].iter().collect(), i)
}
