//! What can be wrong with an export, named by file, row and column.

use std::fmt;

/// Where in an input file a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line (a CSV header is line 1; JSON Lines count every line).
    pub line: u64,
    /// 1-based column number (CSV) or 0 when the format has none (JSON Lines).
    pub column: usize,
    /// The column's name; empty for problems with a whole row.
    pub name: String,
    /// The row as read, to show under the message.
    pub text: String,
}

/// Why an input is rejected. Data only: [`fmt::Display`] holds the wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputErrorKind {
    /// The file cannot be opened or read.
    Io(String),
    /// The extension is none of `.csv`, `.jsonl`, `.ndjson`, `.parquet`.
    UnknownFormat,
    /// A `.parquet` file, but pricebook was built without the `parquet` feature.
    ParquetNotBuilt,
    /// The file's content is not what its extension says.
    NotTheFormat(String),
    /// A JSON Lines line (after the first object) that is not a JSON object.
    NotAnObject(String),
    /// A CSV row with more or fewer fields than the header.
    FieldCount { header: u64, row: u64 },
    /// A column the file must have is not in its header.
    MissingColumn { known: Vec<String> },
    /// A value is required and the cell is empty.
    Empty,
    /// A value does not parse.
    Malformed { value: String, expected: &'static str },
    /// A quantity below zero.
    Negative { value: String },
    /// A name the catalog does not know.
    Unknown { what: &'static str, value: String, catalog: String, known: Vec<String> },
    /// A usage or purchase for an account missing from the accounts file.
    UnknownAccount { value: String },
    /// An account listed twice.
    DuplicateAccount { value: String, first_line: u64 },
    /// A time before the account signed up.
    BeforeSignUp { value: String, signed_up: String },
    /// `since` before `signed_up`.
    SinceBeforeSignUp { since: String, signed_up: String },
    /// Neither or both of two alternative columns.
    OneOf { a: &'static str, b: &'static str },
    /// A variant the feature's `multipliers` do not list in one catalog.
    UnknownVariant { feature: String, value: String, catalog: String, known: Vec<String> },
    /// `total_tokens` for a rate that prices input and output tokens apart.
    TotalTokensSplit { feature: String, model: String },
}

impl InputErrorKind {
    /// What is wrong, and how to fix it: the words of every message.
    pub fn words(&self) -> (String, String) {
        match self {
            InputErrorKind::Io(why) => (format!("cannot read the file: {why}"), "check the path".to_string()),
            InputErrorKind::UnknownFormat => (
                "unknown file type".to_string(),
                "name the file .csv, .jsonl (or .ndjson) or .parquet: the extension says how to read it".into(),
            ),
            InputErrorKind::ParquetNotBuilt => (
                "this pricebook was built without Parquet support".to_string(),
                "install it with `cargo install --path . --features parquet`, or export CSV or JSON Lines".into(),
            ),
            InputErrorKind::NotTheFormat(why) => (
                why.clone(),
                "the extension says how the file is read: check that the file is what its name says".into(),
            ),
            InputErrorKind::NotAnObject(why) => (
                why.clone(),
                "write each line as one JSON object, keys naming the columns: {\"account\": \"a1\", …}".into(),
            ),
            InputErrorKind::FieldCount { header, row } => (
                format!("this row has {row} fields where the header has {header}"),
                "give every row as many fields as the header (quote a value that holds a comma)".into(),
            ),
            InputErrorKind::MissingColumn { known } => (
                "the header has no such column".to_string(),
                format!("the header has {}; add the column (extra columns are ignored)", list(known)),
            ),
            InputErrorKind::Empty => {
                ("the value is empty".to_string(), "every row needs a value in this column".into())
            }
            InputErrorKind::Malformed { value, expected } => {
                (format!("`{value}` is not {expected}"), format!("write {expected}"))
            }
            InputErrorKind::Negative { value } => {
                (format!("`{value}` is negative"), "quantities are zero or more".into())
            }
            InputErrorKind::Unknown { what, value, catalog, known } => {
                (format!("plans `{catalog}` have no {what} `{value}`"), format!("known {what}s: {}", list(known)))
            }
            InputErrorKind::UnknownAccount { value } => (
                format!("account `{value}` is not in the accounts file"),
                "add the account to the accounts file (with its plan and sign-up time)".into(),
            ),
            InputErrorKind::DuplicateAccount { value, first_line } => (
                format!("account `{value}` is listed twice (first on line {first_line})"),
                "list each account once".into(),
            ),
            InputErrorKind::BeforeSignUp { value, signed_up } => (
                format!("{value} is before the account signed up ({signed_up})"),
                "check the time, or the account's `signed_up`".into(),
            ),
            InputErrorKind::SinceBeforeSignUp { since, signed_up } => (
                format!("the plan started ({since}) before the account signed up ({signed_up})"),
                "`since` is when the current plan started: on or after `signed_up`".into(),
            ),
            InputErrorKind::OneOf { a, b } => {
                (format!("give `{a}` or `{b}`, not both"), format!("leave `{a}` or `{b}` empty"))
            }
            InputErrorKind::UnknownVariant { feature, value, catalog, known } => (
                format!("feature `{feature}` in plans `{catalog}` has no variant `{value}`"),
                if known.is_empty() {
                    format!("`{feature}` declares no multipliers in plans `{catalog}`: leave `variant` empty")
                } else {
                    format!("known variants of `{feature}`: {}; leave `variant` empty for none", list(known))
                },
            ),
            InputErrorKind::TotalTokensSplit { feature, model } => (
                format!("`{feature}` ({model}) prices input and output tokens apart; a total cannot be split"),
                "give `input_tokens` and `output_tokens` for this feature".into(),
            ),
        }
    }
}

/// A rejected input: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub place: Box<Place>,
    pub kind: Box<InputErrorKind>,
}

impl InputError {
    /// A problem with the file as a whole.
    pub fn file(file: &str, kind: InputErrorKind) -> InputError {
        InputError {
            place: Box::new(Place {
                file: file.to_string(),
                line: 0,
                column: 0,
                name: String::new(),
                text: String::new(),
            }),
            kind: Box::new(kind),
        }
    }
}

fn list(known: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut s = known.iter().take(SHOWN).map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    if known.len() > SHOWN {
        s.push_str(&format!(" and {} more", known.len() - SHOWN));
    }
    s
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.place;
        match (p.line, p.column) {
            (0, _) => write!(f, "{}: error: ", p.file)?,
            (line, 0) => write!(f, "{}:{line}: error: ", p.file)?,
            (line, col) => write!(f, "{}:{line}:{col}: error: ", p.file)?,
        }
        if !p.name.is_empty() {
            write!(f, "column `{}`: ", p.name)?;
        }
        let (message, help) = self.kind.words();
        write!(f, "{message}")?;
        if !p.text.is_empty() {
            write!(f, "\n  | {}", p.text)?;
        }
        write!(f, "\n  = help: {help}")
    }
}

impl std::error::Error for InputError {}
