fn main() -> std::process::ExitCode {
    permspec::cli::main()
}
