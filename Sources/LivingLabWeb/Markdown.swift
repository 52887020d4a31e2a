import Foundation

/// The Markdown of consent documents as HTML: headings, paragraphs, lists, tables, bold, italics and code: what the
/// lab's documents use. Everything is escaped first; nothing of the text becomes markup but these.
public enum Markdown {
    /// The document's first heading, e.g. `Information sheet — trial "Click & collect for food shops"`.
    public static func title(_ text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
    }

    /// The text of the document's first `##` section, without its heading.
    public static func firstSection(_ text: String) -> String? {
        var lines: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") {
                if inside { break }
                inside = true
                continue
            }
            if inside { lines.append(line) }
        }
        let section = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return section.isEmpty ? nil : section
    }

    /// HTML for `text`, its headings shifted down by `headingOffset` levels (a page has its own `h1`).
    public static func html(_ text: String, headingOffset: Int = 1) -> String {
        var out = ""
        var paragraph: [String] = []
        var list: [String] = []
        var table: [[String]] = []
        func flush() {
            if !paragraph.isEmpty { out += "<p>\(inline(paragraph.joined(separator: " ")))</p>\n"; paragraph = [] }
            if !list.isEmpty { out += "<ul>" + list.map { "<li>\(inline($0))</li>" }.joined() + "</ul>\n"; list = [] }
            if !table.isEmpty {
                let rows = table.filter { !$0.allSatisfy { $0.allSatisfy { "-: ".contains($0) } } }
                out += "<div class=\"table-wrap\"><table>"
                for (index, row) in rows.enumerated() {
                    let cell = index == 0 ? "th" : "td"
                    out += "<tr>" + row.map { "<\(cell)\(index == 0 ? " scope=\"col\"" : "")>\(inline($0))</\(cell)>" }.joined() + "</tr>"
                }
                out += "</table></div>\n"
                table = []
            }
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { flush(); continue }
            if let hashes = line.firstIndex(where: { $0 != "#" }), line.hasPrefix("#"), line[hashes] == " " {
                flush()
                let level = min(6, line.distance(from: line.startIndex, to: hashes) + headingOffset)
                out += "<h\(level)>\(inline(String(line[line.index(after: hashes)...])))</h\(level)>\n"
            } else if line.hasPrefix("- ") || line.hasPrefix("* ") {
                if !paragraph.isEmpty || !table.isEmpty { flush() }
                list.append(String(line.dropFirst(2)))
            } else if line.hasPrefix("|") {
                if !paragraph.isEmpty || !list.isEmpty { flush() }
                table.append(line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                    .map { $0.trimmingCharacters(in: .whitespaces) })
            } else {
                if !list.isEmpty || !table.isEmpty { flush() }
                paragraph.append(line)
            }
        }
        flush()
        return out
    }

    /// Bold, italics and code inside a line, after escaping.
    static func inline(_ text: String) -> String {
        var html = HTML.escape(text)
        html = replace(html, "`", "code")
        html = replace(html, "**", "strong")
        html = replace(html, "*", "em")
        return html
    }

    /// Turns each pair of `marker` into `<tag>…</tag>`; an unpaired last marker stays as it is.
    static func replace(_ text: String, _ marker: String, _ tag: String) -> String {
        let parts = text.components(separatedBy: marker)
        guard parts.count >= 3 else { return text }
        let paired = (parts.count - 1) / 2 * 2
        var out = parts[0]
        for index in 1..<parts.count {
            if index <= paired {
                out += (index % 2 == 1 ? "<\(tag)>" : "</\(tag)>") + parts[index]
            } else {
                out += marker + parts[index]
            }
        }
        return out
    }
}
