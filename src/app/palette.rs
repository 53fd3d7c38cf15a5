//! The command palette (`:`): the commands, their parsing, and Tab completion.

pub struct CommandSpec {
    pub name: &'static str,
    pub args: &'static str,
    pub desc: &'static str,
    /// Sends a write: hidden (and refused) in read-only mode.
    pub write: bool,
}

/// Every palette command, in the order completion lists them.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "person",
        args: "<distinct id | uuid>",
        desc: "jump straight to a person",
        write: false,
    },
    CommandSpec { name: "messages", args: "", desc: "message history", write: false },
    CommandSpec {
        name: "profile",
        args: "[name]",
        desc: "switch to another profile of the config file (no name: pick one)",
        write: false,
    },
    CommandSpec {
        name: "project",
        args: "[id]",
        desc: "switch to another project (no id: pick from the projects of the key)",
        write: false,
    },
    CommandSpec {
        name: "reset-distinct-id",
        args: "<distinct id>",
        desc: "let a deleted person's distinct id be used again",
        write: true,
    },
    CommandSpec {
        name: "journal",
        args: "",
        desc: "writes sent from this machine; u restores a value",
        write: false,
    },
    CommandSpec { name: "refresh", args: "", desc: "reload the list", write: false },
    CommandSpec { name: "help", args: "", desc: "keys and commands", write: false },
    CommandSpec { name: "quit", args: "", desc: "quit hogdex", write: false },
    CommandSpec { name: "q", args: "", desc: "quit hogdex", write: false },
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaletteCommand {
    Person(String),
    ResetDistinctId(String),
    Journal,
    Timeline(Vec<String>),
    Activity,
    Insight(super::insight::InsightKind),
    Export(super::model::ExportFormat, String),
    Messages,
    Refresh,
    Help,
    Quit,
    /// `:profile` (picker) or `:profile <name>`.
    Profile(Option<String>),
    /// `:project` (picker) or `:project <id>`.
    Project(Option<i64>),
}

pub fn parse(input: &str) -> Result<PaletteCommand, String> {
    let input = input.trim().trim_start_matches(':').trim();
    let (name, rest) = input.split_once(char::is_whitespace).map_or((input, ""), |(a, b)| (a, b.trim()));
    match name {
        "" => Err("type a command; Tab completes".into()),
        "q" | "quit" | "q!" => Ok(PaletteCommand::Quit),
        "messages" | "msgs" => Ok(PaletteCommand::Messages),
        "refresh" => Ok(PaletteCommand::Refresh),
        "journal" => Ok(PaletteCommand::Journal),
        "activity" => Ok(PaletteCommand::Activity),
        "timeline" => Ok(PaletteCommand::Timeline(
            rest.split(|c: char| c.is_whitespace() || c == ',')
                .filter(|k| !k.is_empty())
                .map(String::from)
                .collect(),
        )),
        "funnel" => Ok(PaletteCommand::Insight(super::insight::InsightKind::Funnel)),
        "correlation" => Ok(PaletteCommand::Insight(super::insight::InsightKind::Correlation)),
        "lifecycle" => Ok(PaletteCommand::Insight(super::insight::InsightKind::Lifecycle)),
        "export" => {
            let (fmt, file) = rest.split_once(char::is_whitespace).map_or((rest, ""), |(a, b)| (a, b.trim()));
            let format = match fmt {
                "csv" => super::model::ExportFormat::Csv,
                "json" => super::model::ExportFormat::Json,
                _ => return Err(":export needs a format and a file: :export csv persons.csv".into()),
            };
            if file.is_empty() {
                return Err(format!(":export {fmt} needs a file name"));
            }
            Ok(PaletteCommand::Export(format, file.to_string()))
        }
        "help" => Ok(PaletteCommand::Help),
        "profile" => Ok(PaletteCommand::Profile((!rest.is_empty()).then(|| rest.to_string()))),
        "project" if rest.is_empty() => Ok(PaletteCommand::Project(None)),
        "project" => match rest.parse::<i64>() {
            Ok(id) if id > 0 => Ok(PaletteCommand::Project(Some(id))),
            _ => Err(":project takes a project id (a number); :project alone lists them".into()),
        },
        "person" if rest.is_empty() => Err(":person needs a distinct id or UUID".into()),
        "person" => Ok(PaletteCommand::Person(rest.to_string())),
        "reset-distinct-id" if rest.is_empty() => Err(":reset-distinct-id needs the distinct id".into()),
        "reset-distinct-id" => Ok(PaletteCommand::ResetDistinctId(rest.to_string())),
        other => Err(format!("unknown command :{other}; Tab lists commands")),
    }
}

/// The commands usable now (write commands disappear in read-only mode).
pub fn available(read_only: bool) -> impl Iterator<Item = &'static CommandSpec> {
    COMMANDS.iter().filter(move |c| !(read_only && c.write))
}

/// Commands whose name starts with the first word typed (all, when nothing is typed).
pub fn matches(input: &str) -> Vec<&'static CommandSpec> {
    let input = input.trim_start();
    if input.contains(char::is_whitespace) {
        let name = input.split_whitespace().next().unwrap_or("");
        return COMMANDS.iter().filter(|c| c.name == name).collect();
    }
    COMMANDS.iter().filter(|c| c.name.starts_with(input)).collect()
}

/// Tab: the completed text, when the typed prefix names one command (or a longer common prefix).
pub fn complete(input: &str) -> Option<String> {
    if input.contains(char::is_whitespace) {
        return None;
    }
    let found = matches(input);
    match found.as_slice() {
        [] => None,
        [one] => Some(if one.args.is_empty() { one.name.to_string() } else { format!("{} ", one.name) }),
        many => {
            let first = many[0].name;
            let common = (input.len()..=first.len())
                .rev()
                .find(|&n| many.iter().all(|c| c.name.starts_with(&first[..n])))
                .unwrap_or(input.len());
            (common > input.len()).then(|| first[..common].to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(parse("q"), Ok(PaletteCommand::Quit));
        assert_eq!(parse(":messages"), Ok(PaletteCommand::Messages));
        assert_eq!(parse("person  user-42 "), Ok(PaletteCommand::Person("user-42".into())));
        assert!(parse("person").unwrap_err().contains("needs"));
        assert!(parse("frobnicate").unwrap_err().contains("unknown command"));
        assert_eq!(parse("profile"), Ok(PaletteCommand::Profile(None)));
        assert_eq!(parse("profile prod"), Ok(PaletteCommand::Profile(Some("prod".into()))));
        assert_eq!(parse("project"), Ok(PaletteCommand::Project(None)));
        assert_eq!(parse("project 42"), Ok(PaletteCommand::Project(Some(42))));
        assert!(parse("project x").unwrap_err().contains("project id"));
    }

    #[test]
    fn completes_unique_prefixes() {
        assert_eq!(complete("pe").as_deref(), Some("person "));
        assert_eq!(complete("pro"), None, "profile and project share it");
        assert_eq!(complete("prof").as_deref(), Some("profile "));
        assert_eq!(complete("me").as_deref(), Some("messages"));
        assert_eq!(complete("q"), None, "q and quit are both commands; q is already complete");
        assert_eq!(complete("x"), None);
        assert_eq!(matches("").len(), COMMANDS.len());
        assert_eq!(matches("person abc").len(), 1);
    }
}
