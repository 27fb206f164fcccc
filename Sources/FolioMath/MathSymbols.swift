// The command vocabulary of the math subset: which TeX control words exist and what
// glyph and spacing class each one stands for.

enum MathSymbols {
    /// Lower-case Greek is italic like Latin variables; upper-case Greek is upright (TeX's convention).
    static let lowerGreek: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
        "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
        "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
        "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
        "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    ]
    static let upperGreek: [String: String] = [
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
        "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]

    /// Upright symbols with their spacing class.
    static let symbols: [String: (String, MathAtomClass)] = [
        "cdot": ("⋅", .binary), "times": ("×", .binary), "pm": ("±", .binary), "mp": ("∓", .binary),
        "div": ("÷", .binary), "ast": ("∗", .binary), "star": ("⋆", .binary), "circ": ("∘", .binary),
        "odot": ("⊙", .binary), "otimes": ("⊗", .binary), "oplus": ("⊕", .binary),
        "cup": ("∪", .binary), "cap": ("∩", .binary), "setminus": ("∖", .binary),
        "wedge": ("∧", .binary), "vee": ("∨", .binary),
        "in": ("∈", .relation), "ni": ("∋", .relation), "notin": ("∉", .relation), "le": ("≤", .relation), "leq": ("≤", .relation),
        "ge": ("≥", .relation), "geq": ("≥", .relation), "ne": ("≠", .relation), "neq": ("≠", .relation),
        "approx": ("≈", .relation), "sim": ("∼", .relation), "simeq": ("≃", .relation),
        "equiv": ("≡", .relation), "propto": ("∝", .relation), "ll": ("≪", .relation), "gg": ("≫", .relation),
        "to": ("→", .relation), "rightarrow": ("→", .relation), "leftarrow": ("←", .relation),
        "gets": ("←", .relation), "Rightarrow": ("⇒", .relation), "Leftarrow": ("⇐", .relation),
        "Leftrightarrow": ("⇔", .relation), "iff": ("⟺", .relation), "implies": ("⟹", .relation),
        "mapsto": ("↦", .relation), "subset": ("⊂", .relation), "subseteq": ("⊆", .relation),
        "supset": ("⊃", .relation), "supseteq": ("⊇", .relation), "mid": ("∣", .relation),
        "coloneqq": ("≔", .relation), "perp": ("⊥", .relation),
        "infty": ("∞", .ordinary), "partial": ("∂", .ordinary), "nabla": ("∇", .ordinary),
        "forall": ("∀", .ordinary), "exists": ("∃", .ordinary), "emptyset": ("∅", .ordinary),
        "ell": ("ℓ", .ordinary), "prime": ("′", .ordinary), "top": ("⊤", .ordinary),
        "ldots": ("…", .inner), "dots": ("…", .inner), "cdots": ("⋯", .inner),
        "vdots": ("⋮", .ordinary), "ddots": ("⋱", .ordinary),
        "neg": ("¬", .ordinary), "lnot": ("¬", .ordinary), "angle": ("∠", .ordinary),
        "{": ("{", .opening), "}": ("}", .closing), "lbrace": ("{", .opening), "rbrace": ("}", .closing),
        "langle": ("⟨", .opening), "rangle": ("⟩", .closing),
        "lVert": ("‖", .opening), "rVert": ("‖", .closing), "|": ("‖", .ordinary), "Vert": ("‖", .ordinary),
        "lvert": ("|", .opening), "rvert": ("|", .closing), "vert": ("|", .ordinary),
        "lfloor": ("⌊", .opening), "rfloor": ("⌋", .closing), "lceil": ("⌈", .opening), "rceil": ("⌉", .closing),
        "%": ("%", .ordinary), "#": ("#", .ordinary), "&": ("&", .ordinary), "_": ("_", .ordinary),
        "$": ("$", .ordinary),
    ]

    /// Classes of symbols typed directly as Unicode. A glyph that several commands share
    /// with different classes (‖ is \| and \lVert) is ordinary, so the result never
    /// depends on dictionary order.
    static let typedSymbols: [String: MathAtomClass] = {
        var classes: [String: MathAtomClass] = [:]
        for (glyph, cls) in symbols.values {
            if let existing = classes[glyph], existing != cls { classes[glyph] = .ordinary } else { classes[glyph] = cls }
        }
        return classes
    }()

    static let largeOperators: [String: String] = [
        "sum": "∑", "prod": "∏", "coprod": "∐", "int": "∫", "iint": "∬", "oint": "∮",
        "bigcup": "⋃", "bigcap": "⋂",
    ]

    /// Named operators and whether they take limits below in display style.
    static let functions: [String: Bool] = [
        "log": false, "ln": false, "exp": false, "sin": false, "cos": false, "tan": false,
        "tanh": false, "sinh": false, "cosh": false, "arg": false, "dim": false, "det": true,
        "deg": false, "ker": false, "Pr": true, "sgn": false, "max": true, "min": true,
        "sup": true, "inf": true, "lim": true, "argmax": true, "argmin": true,
    ]

    /// Explicit spaces, in em.
    static let spaces: [String: Double] = [
        ",": 3.0 / 18, ":": 4.0 / 18, ">": 4.0 / 18, ";": 5.0 / 18, "!": -3.0 / 18,
        " ": 1.0 / 3, "quad": 1, "qquad": 2, "thinspace": 3.0 / 18,
    ]

    /// Characters allowed after \left and \right, and commands naming delimiters.
    static let delimiterCharacters: Set<String> = ["(", ")", "[", "]", "|", ".", "/", "<", ">"]
    static let delimiterCommands: [String: String] = [
        "{": "{", "}": "}", "lbrace": "{", "rbrace": "}", "langle": "⟨", "rangle": "⟩",
        "|": "‖", "Vert": "‖", "lVert": "‖", "rVert": "‖", "vert": "|", "lvert": "|", "rvert": "|",
        "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    ]

    /// Mathematical double-struck capitals; the letterlike block holds the common ones.
    static func blackboard(_ c: Character) -> String {
        let letterlike: [Character: String] = ["C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"]
        if let s = letterlike[c] { return s }
        return offsetLetter(c, upperBase: 0x1D538, lowerBase: 0x1D552)
    }

    /// Mathematical script capitals (`\mathcal`), with the letterlike exceptions.
    static func calligraphic(_ c: Character) -> String {
        let letterlike: [Character: String] = [
            "B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ",
        ]
        if let s = letterlike[c] { return s }
        return offsetLetter(c, upperBase: 0x1D49C, lowerBase: 0x1D4B6)
    }

    private static func offsetLetter(_ c: Character, upperBase: UInt32, lowerBase: UInt32) -> String {
        guard let v = c.unicodeScalars.first?.value, c.isASCII, c.isLetter else { return String(c) }
        let base = c.isUppercase ? upperBase + (v - 65) : lowerBase + (v - 97)
        return Unicode.Scalar(base).map { String(Character($0)) } ?? String(c)
    }
}
