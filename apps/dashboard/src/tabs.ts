// Phone-width navigation: below the breakpoint the panels become ARIA tab panels, one shown at a
// time, so the push form and the scripts are one tap away instead of below the whole event list.
// Above it every panel shows and the tab list is hidden. Keys: arrows, Home and End (automatic activation).

/** The media query under which the page shows one panel at a time (matches the single-column layout). */
export const NARROW_QUERY = '(max-width: 900px)';

export interface Tabs {
  /** Shows the panel `id` (at narrow widths; a no-op otherwise). */
  show(panelId: string): void;
}

/** Turns the `[role=tab]` buttons of `tablist` (each with `aria-controls`) into tabs below {@link NARROW_QUERY}. */
export function createTabs(tablist: HTMLElement): Tabs {
  const tabs = [...tablist.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const panelOf = (tab: HTMLElement) => document.getElementById(tab.getAttribute('aria-controls') ?? '');
  const narrow = matchMedia(NARROW_QUERY);
  let current = tabs[0];

  const render = () => {
    for (const tab of tabs) {
      const selected = tab === current;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      const panel = panelOf(tab);
      if (!panel) continue;
      if (narrow.matches) {
        panel.setAttribute('role', 'tabpanel');
        panel.setAttribute('aria-labelledby', tab.id);
        panel.hidden = !selected;
      } else {
        // Wide: plain sections again, each keeping its own heading as its label.
        panel.removeAttribute('role');
        panel.setAttribute('aria-labelledby', panel.dataset.heading ?? '');
        panel.hidden = false;
      }
    }
  };
  const select = (tab: HTMLButtonElement | undefined, focus: boolean) => {
    if (!tab) return;
    current = tab;
    render();
    if (focus) tab.focus();
  };

  for (const panel of tabs.map(panelOf)) {
    if (panel) panel.dataset.heading = panel.getAttribute('aria-labelledby') ?? '';
  }
  tablist.addEventListener('click', (e) => {
    const tab = (e.target as HTMLElement).closest<HTMLButtonElement>('[role="tab"]');
    if (tab) select(tab, false);
  });
  tablist.addEventListener('keydown', (e) => {
    const at = tabs.indexOf(current as HTMLButtonElement);
    const next =
      e.key === 'ArrowRight'
        ? tabs[(at + 1) % tabs.length]
        : e.key === 'ArrowLeft'
          ? tabs[(at - 1 + tabs.length) % tabs.length]
          : e.key === 'Home'
            ? tabs[0]
            : e.key === 'End'
              ? tabs[tabs.length - 1]
              : undefined;
    if (!next) return;
    e.preventDefault();
    select(next, true);
  });
  narrow.addEventListener('change', render);
  render();

  return {
    show(panelId) {
      select(
        tabs.find((t) => t.getAttribute('aria-controls') === panelId),
        false,
      );
    },
  };
}
