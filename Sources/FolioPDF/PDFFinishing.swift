import CQPDF

// What Cairo 1.16 (the version Debian 12 ships) cannot write, added to its finished
// file with qpdf: each Figure element's alternative text (Cairo ignores an `alt`
// attribute), the language, the bookmarks panel open on opening (/PageMode), the
// title shown instead of the file name, and a non-negative count on the outline's
// root (Cairo writes a negative one, which some viewers read as "closed").

struct PDFFinishing {
    /// Alternative text of each Figure element, in the structure tree's reading order.
    var figureAlternatives: [String]
    /// BCP 47 language of the prose.
    var language = "en-GB"

    /// Reads the PDF at `input` and writes the finished one to `output`.
    func apply(input: String, output: String) throws {
        var handle = qpdf_init()
        guard let q = handle else { throw PDFError.io(path: input, message: "qpdf could not start") }
        defer { qpdf_cleanup(&handle) }
        qpdf_silence_errors(q)
        func check(_ code: QPDF_ERROR_CODE, _ path: String) throws {
            guard code & QPDF_ERRORS != 0 else { return }
            let message = qpdf_get_error(q).map { String(cString: qpdf_get_error_full_text(q, $0)) } ?? "unknown error"
            throw PDFError.io(path: path, message: "qpdf: \(message)")
        }
        try check(qpdf_read(q, input, nil), input)

        let root = qpdf_get_root(q)
        qpdf_oh_replace_key(q, root, "/PageMode", qpdf_oh_new_name(q, "/UseOutlines"))
        qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_unicode_string(q, language))
        let preferences = qpdf_oh_new_dictionary(q)
        qpdf_oh_replace_key(q, preferences, "/DisplayDocTitle", qpdf_oh_new_bool(q, QPDF_TRUE))
        qpdf_oh_replace_key(q, root, "/ViewerPreferences", preferences)

        if qpdf_oh_has_key(q, root, "/Outlines") != 0 {
            let outlines = qpdf_oh_get_key(q, root, "/Outlines")
            if qpdf_oh_has_key(q, outlines, "/Count") != 0 {
                let count = qpdf_oh_get_int_value(q, qpdf_oh_get_key(q, outlines, "/Count"))
                qpdf_oh_replace_key(q, outlines, "/Count", qpdf_oh_new_integer(q, abs(count)))
            }
        }

        var figures: [qpdf_oh] = []
        if qpdf_oh_has_key(q, root, "/StructTreeRoot") != 0 {
            collectFigures(q, qpdf_oh_get_key(q, qpdf_oh_get_key(q, root, "/StructTreeRoot"), "/K"), into: &figures)
        }
        guard figures.count == figureAlternatives.count else {
            throw PDFError.io(path: input, message: "the structure tree holds \(figures.count) figures but \(figureAlternatives.count) were drawn")
        }
        for (figure, text) in zip(figures, figureAlternatives) {
            qpdf_oh_replace_key(q, figure, "/Alt", qpdf_oh_new_unicode_string(q, text))
        }

        try check(qpdf_init_write(q, output), output)
        // The same document gives the same bytes: the file ID is a hash of the content.
        qpdf_set_deterministic_ID(q, QPDF_TRUE)
        qpdf_set_object_stream_mode(q, qpdf_o_generate)
        try check(qpdf_write(q), output)
    }

    /// The Figure elements under `kids` (a /K value), depth first, so in the order they
    /// were opened while drawing.
    private func collectFigures(_ q: qpdf_data, _ kids: qpdf_oh, into figures: inout [qpdf_oh]) {
        if qpdf_oh_is_array(q, kids) != 0 {
            for i in 0..<qpdf_oh_get_array_n_items(q, kids) {
                collectFigures(q, qpdf_oh_get_array_item(q, kids, i), into: &figures)
            }
            return
        }
        // Marked-content references and object references carry no /S; numbers are MCIDs.
        guard qpdf_oh_is_dictionary(q, kids) != 0, qpdf_oh_has_key(q, kids, "/S") != 0 else { return }
        if String(cString: qpdf_oh_get_name(q, qpdf_oh_get_key(q, kids, "/S"))) == "/Figure" { figures.append(kids) }
        if qpdf_oh_has_key(q, kids, "/K") != 0 { collectFigures(q, qpdf_oh_get_key(q, kids, "/K"), into: &figures) }
    }
}
