//! `make bindings`: regenerates ui/src/backend/bindings.ts from the Rust commands and types.
fn main() {
    let path = viral_studio_lib::bindings::default_path();
    match viral_studio_lib::bindings::export(&path) {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => {
            eprintln!("error: could not write {}: {e}", path.display());
            std::process::exit(1);
        }
    }
}
