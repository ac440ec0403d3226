use super::{Output, SchemaKind};

pub fn run(kind: SchemaKind, out: &mut Output) -> u8 {
    match pricebook_lang::schema::json(kind == SchemaKind::Scenario) {
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
