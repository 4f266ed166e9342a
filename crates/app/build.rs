//! Embeds every template under `templates/`, named by its path below that
//! folder (`households/form.html`), so adding a template needs no Rust edit.

fn main() {
    minijinja_embed::embed_templates!("templates", &[".html"][..]);
}
