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
  const primary = colours && HEX.test(colours.primaryColor) ? colours.primaryColor : '#1d4f91';
  const secondary = colours?.secondaryColor && HEX.test(colours.secondaryColor) ? colours.secondaryColor : primary;
  return (
    `:root{--or-primary:${primary};--or-secondary:${secondary};--or-on-primary:#ffffff;` +
    `--kern-color-action-default:${primary};--kern-color-action-visited:${primary};` +
    `--kern-color-action-focus-default:${primary}}`
  );
}
