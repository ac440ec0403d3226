use super::{Output, SchemaKind};
use crate::schema::{self, Kind};

pub fn run(kind: SchemaKind, out: &mut Output) -> u8 {
    let kind = match kind {
        SchemaKind::Plan => Kind::Plan,
        SchemaKind::Scenario => Kind::Scenario,
        SchemaKind::Project => Kind::Project,
        SchemaKind::Rules => Kind::Rules,
    };
    match schema::json(kind) {
        Ok(text) => {
            out.print(&text);
            0
        }
        Err(e) => {
            out.eprint(&format!("error: cannot render the schema: {e}\n"));
            2
        }
    }
}
