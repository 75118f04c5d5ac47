package app.kindred;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one command accepts: its words, its positional arguments, its flags and its options that
 * take a value. Every command also takes --config FILE and --help.
 */
record CommandSpec(
        String words,
        String usage,
        String summary,
        List<String> positionals,
        Set<String> flags,
        Set<String> valueOptions,
        Set<String> required) {

    record Parsed(List<String> positionals, Set<String> flags, Map<String, String> values, boolean help) {
        String value(String option) {
            return values.get(option);
        }
    }

    Parsed parse(List<String> args) {
        var positional = new ArrayList<String>();
        var setFlags = new HashSet<String>();
        var values = new HashMap<String, String>();
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            var arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.startsWith("--")) {
                var eq = arg.indexOf('=');
                var name = eq > 0 ? arg.substring(0, eq) : arg;
                if (flags.contains(name)) {
                    if (eq > 0) throw new UsageException(name + " takes no value; " + hint());
                    setFlags.add(name);
                } else if (valueOptions.contains(name) || name.equals("--config")) {
                    String value;
                    if (eq > 0) value = arg.substring(eq + 1);
                    else if (i + 1 < args.size()) value = args.get(++i);
                    else throw new UsageException(name + " needs a value; " + hint());
                    if (values.put(name, value) != null) throw new UsageException(name + " is given twice; " + hint());
                } else {
                    throw new UsageException("unknown option " + name + " for '" + words + "'; " + hint());
                }
            } else {
                positional.add(arg);
            }
        }
        if (help) return new Parsed(positional, setFlags, values, true);
        if (positional.size() != positionals.size()) {
            throw new UsageException(
                    positionals.isEmpty()
                            ? "'" + words + "' takes no arguments, got " + String.join(" ", positional) + "; " + hint()
                            : "'" + words + "' needs " + String.join(" ", positionals) + "; " + hint());
        }
        for (var option : required) {
            if (!values.containsKey(option) && !setFlags.contains(option)) {
                throw new UsageException("'" + words + "' needs " + option + "; " + hint());
            }
        }
        return new Parsed(positional, setFlags, values, false);
    }

    String help() {
        return "usage: kindred " + usage + "\n\n" + summary + "\n";
    }

    private String hint() {
        return "see 'kindred " + words + " --help'";
    }
}
