import type { Child } from "hono/jsx";

/** The HTML shell every dashboard page shares: one stylesheet, scripts only where a page needs them. */
export function Layout(props: { title: string; children: Child; scripts?: readonly string[] }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{props.title}</title>
        <link rel="stylesheet" href="/ui/assets/uplot.css" />
        <link rel="stylesheet" href="/ui/assets/dashboard.css" />
      </head>
      <body>
        {props.children}
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer />
        ))}
      </body>
    </html>
  );
}
