/// Every limit the lab puts on outside input, in one place: readers refuse what is beyond them with a message that
/// names the limit, instead of crashing, hanging or storing it.
///
/// | input | limit | why |
/// |---|---|---|
/// | criteria expression | ``criteriaLength`` characters, ``criteriaDepth`` levels of `(`…`)` and `not` | the parser and the matcher recurse once per level; real eligibility rules are a line or two |
/// | lab, protocol YAML file | ``yamlBytes`` bytes, ``yamlNodes`` nodes once aliases are expanded, ``yamlDepth`` levels | a protocol is a few KB; an alias bomb of 1 KB expands to 10⁹ nodes |
/// | arm configuration | ``configurationDepth`` levels of nesting | a plugin's settings are a flat mapping or two levels of it |
/// | JSON text (plugin requests, configurations given as JSON) | ``jsonDepth`` levels of `[`/`{` | the decoder recurses once per level |
/// | CSV field | ``csvFieldLength`` characters | a name, a contact or a number; a field without its closing quote would otherwise swallow the file |
/// | free text (feedback, answers to it) | ``freeTextLength`` characters | a message of a few paragraphs, not a file |
/// | text fields (names, ids, keys, metrics) | no control characters (NUL, line breaks, escapes…) | they end up in tables, CSV and audit entries |
public enum InputLimits {
    /// The longest criteria expression, in characters.
    public static let criteriaLength = 4_096
    /// How deep parentheses and `not` may nest in a criteria expression.
    public static let criteriaDepth = 64
    /// The largest lab or protocol YAML file, in bytes.
    public static let yamlBytes = 256 * 1024
    /// The most nodes a YAML document may hold once its aliases are expanded.
    public static let yamlNodes = 100_000
    /// How deep mappings and sequences may nest in a YAML document.
    public static let yamlDepth = 64
    /// How deep an arm's configuration may nest.
    public static let configurationDepth = 32
    /// How deep arrays and objects may nest in JSON text the lab reads.
    public static let jsonDepth = 64
    /// The longest field of a CSV file, in characters.
    public static let csvFieldLength = 8_192
    /// The longest piece of free text (feedback, an answer to it), in characters.
    public static let freeTextLength = 8_192

    /// Refuses text holding a control character (NUL, tab, line breaks, escapes), naming the field.
    ///
    /// `field` is built only when the text is refused: outcomes are checked by the thousand.
    public static func checkText(_ text: String, field: @autoclosure () -> String) throws(LabError) {
        // The control characters are C0 (bytes below 0x20), DEL (0x7F) and C1 (U+0080–U+009F, 0xC2 0x80–0x9F in UTF-8):
        // a byte scan finds them without Unicode property look-ups, which cost more than storing an outcome.
        var previous: UInt8 = 0
        var found = false
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte)) {
                found = true
                break
            }
            previous = byte
        }
        guard found else { return }
        if let bad = text.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw .invalid("\(field()) holds a control character (U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(to: 4))): remove it; text fields take printable characters only.")
        }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
