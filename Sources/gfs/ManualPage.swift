import ArgumentParser
import Foundation
import GFSCommands
import GFSLanguage

/// The man page `gfs.1`, made from the same help text as `gfs --help` (and the subcommands'
/// `--help`) and the same command definitions as `help` at the prompt, so it cannot drift
/// from them. `gfs --generate-manual` prints it; `scripts/install` installs it.
enum ManualPage {
    /// The page, in roff (`man 7 man`). It carries no date, so it is the same on every build
    /// of the same sources.
    static func roff() -> String {
        var page = [
            #".TH GFS 1 "" "gfs \#(GFSVersion.number)" "User Commands""#,
            ".SH NAME",
            #"gfs \- \#(escape(GFSCommandLine.configuration.abstract))"#,
        ]
        page += section(for: GFSCommandLine.helpMessage(columns: 4000), synopsisTitle: "SYNOPSIS", name: nil)
        page.append(".SH SUBCOMMANDS")
        for (name, help) in [
            ("gfs sandbox", SandboxCommand.helpMessage(columns: 4000)),
            ("gfs check", CheckCommand.helpMessage(columns: 4000)),
            ("gfs replay", ReplayCommand.helpMessage(columns: 4000)),
            ("gfs lsp", LSPCommand.helpMessage(columns: 4000)),
        ] {
            page += section(for: help, synopsisTitle: nil, name: name)
        }
        page.append(".SH COMMANDS")
        page.append(
            paragraph(
                "The commands a script, -c or the prompt runs ('help COMMAND' describes each one):"
            )
        )
        for spec in GFSCommandCatalog.table.commands {
            page += [".TP", #"\fB\#(escape(spec.usage))\fR"#, escape(spec.summary)]
        }
        page += [
            ".SH FILES",
            ".TP", #"\fI$XDG_CONFIG_HOME/gfs/config.yaml\fR"#,
            escape("Named contexts, the current one, and the audit log ('log: FILE')."),
            ".TP", #"\fI$XDG_CONFIG_HOME/gfs/rc\fR"#, escape("Runs first at the prompt, unless -X."),
            ".TP", #"\fI$XDG_STATE_HOME/gfs/history\fR"#,
            escape("The prompt's history (GFS_HISTFILE overrides it), never holding a secret."),
        ]
        return page.joined(separator: "\n") + "\n"
    }

    /// One command's help text as man sections: with `synopsisTitle`, the root's SYNOPSIS,
    /// DESCRIPTION, ARGUMENTS and OPTIONS; with `name`, a subsection for a subcommand.
    static func section(for help: String, synopsisTitle: String?, name: String?) -> [String] {
        var overview: [String] = []
        var usage = ""
        var entries: [(section: String, name: String, text: String)] = []
        var current = ""
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let colon = line.firstIndex(of: ":"), !line.hasPrefix(" "),
                ["OVERVIEW", "USAGE", "ARGUMENTS", "OPTIONS", "SUBCOMMANDS"].contains(String(line[..<colon]))
            {
                current = String(line[..<colon])
                let rest = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if current == "USAGE" { usage = rest } else if !rest.isEmpty { overview.append(rest) }
                continue
            }
            switch current {
            case "OVERVIEW": overview.append(line)
            case "ARGUMENTS", "OPTIONS":
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { continue }
                if line.hasPrefix("  "), !line.hasPrefix("   ") {
                    // `  --name <value>   Text`: the name, then two spaces or more, then the text.
                    if let gap = trimmed.range(of: "  ") {
                        entries.append(
                            (
                                current, String(trimmed[..<gap.lowerBound]),
                                trimmed[gap.upperBound...].trimmingCharacters(in: .whitespaces)
                            )
                        )
                    } else {
                        entries.append((current, trimmed, ""))
                    }
                } else if !entries.isEmpty {
                    entries[entries.count - 1].text += (entries[entries.count - 1].text.isEmpty ? "" : " ") + trimmed
                }
            default: continue
            }
        }
        // The abstract stands on the first line; paragraphs are separated by blank lines.
        let paragraphs = overview.split(separator: "", omittingEmptySubsequences: true).map {
            $0.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        }
        var out: [String] = []
        if let name {
            out.append(#".SS \#(escape(name))"#)
            out += [".PP", #"\fB\#(escape(usage))\fR"#]
            out += paragraphs.map(paragraph)
        } else if let synopsisTitle {
            out += [".SH \(synopsisTitle)", #"\fB\#(escape(usage))\fR"#, ".SH DESCRIPTION"]
            out += paragraphs.dropFirst().map(paragraph)
        }
        for title in ["ARGUMENTS", "OPTIONS"] {
            let items = entries.filter { $0.section == title }
            guard !items.isEmpty else { continue }
            out.append(name == nil ? ".SH \(title)" : ".PP\n\(title.capitalized):")
            for item in items {
                out += [".TP", #"\fB\#(escape(item.name))\fR"#, escape(item.text)]
            }
        }
        return out
    }

    static func paragraph(_ text: String) -> String { ".PP\n" + escape(text) }

    /// Text as roff: backslashes and hyphens escaped, and a line kept from starting a request.
    static func escape(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
        return escaped.hasPrefix(".") || escaped.hasPrefix("'") ? "\\&" + escaped : escaped
    }
}
