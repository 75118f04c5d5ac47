package app.kindred;

public final class Kindred {
    private Kindred() {}

    public static void main(String[] args) {
        // CLI commands print their result, not the server's start-up log; serve logs at info.
        if (args.length == 0 || !args[0].equals("serve")) System.setProperty("kindred.log.level", "WARN");
        System.exit(Cli.run(args, Cli.Io.system()));
    }
}
