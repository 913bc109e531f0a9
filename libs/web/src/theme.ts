export interface ThemeColours {
  primaryColor: string;
  secondaryColor?: string;
}

const HEX = /^#[0-9a-fA-F]{6}$/;

/**
 * A tenant's colours as CSS custom properties: KERN UX's action colours take the primary colour,
 * the layout uses both. Only checked hex values get in, so the block cannot carry other CSS.
 */
export function themeCss(colours: ThemeColours | undefined): string {
  const { primary, secondary } = checked(colours);
  return (
    `:root{--or-primary:${primary};--or-secondary:${secondary};--or-on-primary:#ffffff;` +
    `--kern-color-action-default:${primary};--kern-color-action-visited:${primary};` +
    `--kern-color-action-focus-default:${primary}}`
  );
}

const checked = (colours: ThemeColours | undefined) => {
  const primary = colours && HEX.test(colours.primaryColor) ? colours.primaryColor.toLowerCase() : '#1d4f91';
  const secondary =
    colours?.secondaryColor && HEX.test(colours.secondaryColor) ? colours.secondaryColor.toLowerCase() : primary;
  return { primary, secondary };
};

const THEME_FILE = /^([0-9a-f]{6})-([0-9a-f]{6})\.css$/;

/**
 * Where a page finds its colours: a stylesheet named after them, so that the pages need no inline
 * style (the Content-Security-Policy allows none) and the file can be cached for ever.
 */
export function themeHref(colours: ThemeColours | undefined): string {
  const { primary, secondary } = checked(colours);
  return `/assets/theme/${primary.slice(1)}-${secondary.slice(1)}.css`;
}

/** The stylesheet behind a {@link themeHref} file name; undefined for any other name. */
export function themeCssOfFile(file: string): string | undefined {
  const match = THEME_FILE.exec(file);
  return match ? themeCss({ primaryColor: `#${match[1]}`, secondaryColor: `#${match[2]}` }) : undefined;
}
