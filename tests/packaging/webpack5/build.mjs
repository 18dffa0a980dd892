// `webpack` with this configuration; the API saves installing webpack-cli.
import { copyFileSync, mkdirSync } from "node:fs";
import webpack from "webpack";

const config = {
  mode: "production",
  entry: "./main.js",
  output: { path: new URL("dist", import.meta.url).pathname, filename: "main.js" },
};
const stats = await new Promise((resolve, reject) =>
  webpack(config, (err, s) => (err ? reject(err) : resolve(s))),
);
if (stats.hasErrors()) throw new Error(stats.toString("errors-only"));
mkdirSync("dist", { recursive: true });
copyFileSync("index.html", "dist/index.html");
