fn main() -> std::process::ExitCode {
    pricebook::cli::main()
}
