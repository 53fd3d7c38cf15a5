//! The colour-spec grammar of the config's `[colors]` table (`parse_style`).
use ratatui::style::{Color, Modifier, Style};

/// Longest piece of user input echoed back in an error, in columns.
pub(super) const ECHO_MAX: usize = 40;

/// What a style spec may contain, for error messages.
const ACCEPTED: &str = "expected a colour (black, red, green, yellow, blue, magenta, cyan, gray, dark-gray, \
    light-red, light-green, light-yellow, light-blue, light-magenta, light-cyan, white, default, \
    #rrggbb or 0-255), `on <colour>`, or bold, dim, italic, underline, reverse, crossed-out";

/// Parses a style spec: whitespace-separated words, case-insensitive.
///
/// ```text
/// spec     = "" | "none" | word { word }
/// word     = colour            foreground (at most one)
///          | "on" colour       background (at most one)
///          | modifier
/// colour   = ansi-name | "default" | "reset" | "#" 6 hex digits | 0..=255
/// modifier = bold | dim | italic | underline(d) | reverse(d) | crossed-out | strikethrough
/// ```
///
/// ANSI names are ratatui's (`black red green yellow blue magenta cyan gray darkgray lightred
/// lightgreen lightyellow lightblue lightmagenta lightcyan white`), with `-`/`_` allowed between the
/// words, `grey` for `gray` and `bright` for `light`. `#rrggbb` is a 24-bit colour and a number an
/// indexed (256-colour) one. Examples: `yellow bold`, `white on blue bold`, `#ff8800`, `on red`,
/// `dim`, `238 on 17 underline`. An empty spec or `none` is plain text. The result replaces a
/// style outright; nothing is inherited from the theme.
pub fn parse_style(spec: &str) -> Result<Style, String> {
    let spec = spec.trim();
    if spec.is_empty() || spec.eq_ignore_ascii_case("none") {
        return Ok(Style::new());
    }
    let mut style = Style::new();
    let mut words = spec.split_whitespace();
    while let Some(word) = words.next() {
        if word.eq_ignore_ascii_case("on") {
            let Some(colour) = words.next() else {
                return Err(format!("`on` needs a background colour after it; {ACCEPTED}"));
            };
            let bg =
                parse_color(colour).map_err(|why| format!("`on` must be followed by a colour: {why}"))?;
            if style.bg.is_some() {
                return Err(format!(
                    "`on {}` is a second background colour",
                    crate::text::fit(colour, ECHO_MAX)
                ));
            }
            style = style.bg(bg);
        } else if let Some(modifier) = parse_modifier(word) {
            style = style.add_modifier(modifier);
        } else {
            let fg = parse_color(word)?;
            if style.fg.is_some() {
                let shown = crate::text::fit(word, ECHO_MAX);
                return Err(format!(
                    "`{shown}` is a second foreground colour; use `on {shown}` for a background"
                ));
            }
            style = style.fg(fg);
        }
    }
    Ok(style)
}

/// A modifier word, or `None`.
fn parse_modifier(word: &str) -> Option<Modifier> {
    Some(match normalize(word).as_str() {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underline" | "underlined" => Modifier::UNDERLINED,
        "reverse" | "reversed" => Modifier::REVERSED,
        "crossedout" | "strikethrough" => Modifier::CROSSED_OUT,
        _ => return None,
    })
}

/// One colour word; the error names the word and says what is accepted.
fn parse_color(word: &str) -> Result<Color, String> {
    let shown = crate::text::fit(word, ECHO_MAX);
    if let Some(hex) = word.strip_prefix('#') {
        if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let [_, r, g, b] = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?.to_be_bytes();
            return Ok(Color::Rgb(r, g, b));
        }
        return Err(format!("`{shown}` is not a colour: write `#` and six hex digits, like #ff8800"));
    }
    if word.bytes().all(|b| b.is_ascii_digit()) {
        return match word.parse::<u8>() {
            Ok(n) => Ok(Color::Indexed(n)),
            Err(_) => Err(format!("`{shown}` is not a colour: colour numbers go from 0 to 255")),
        };
    }
    let name = normalize(word).replace("grey", "gray").replace("bright", "light");
    Ok(match name.as_str() {
        "default" | "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" => Color::Gray,
        "darkgray" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return Err(format!("`{shown}` is not understood; {ACCEPTED}")),
    })
}

/// Lower case without `-` and `_`, so `Light-Red`, `light_red` and `lightred` are one word.
fn normalize(word: &str) -> String {
    word.chars().filter(|c| !matches!(c, '-' | '_')).map(|c| c.to_ascii_lowercase()).collect()
}
