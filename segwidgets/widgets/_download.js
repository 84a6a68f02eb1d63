// A download button: asks the kernel for the file on click, then saves the bytes it
// receives as a binary buffer through a Blob (data-URI links break past a few MB).

/** @param {{ model: any, el: HTMLElement }} ctx */
function render({ model, el }) {
  const button = document.createElement("button");
  button.className = "sw-download-button jupyter-widgets jupyter-button widget-button";
  const sync = () => {
    button.textContent = model.get("description");
    button.disabled = model.get("disabled");
    button.title = model.get("tooltip");
  };
  sync();
  model.on("change:description", sync);
  model.on("change:disabled", sync);
  model.on("change:tooltip", sync);

  button.addEventListener("click", () => {
    button.disabled = true;
    model.send({ type: "request" });
  });

  /** @param {any} msg @param {DataView[]} buffers */
  const onMessage = (msg, buffers) => {
    button.disabled = model.get("disabled");
    if (msg.type !== "file" || !buffers.length) return;
    const blob = new Blob(buffers, { type: msg.mime || "application/octet-stream" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = msg.filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  model.on("msg:custom", onMessage);
  el.appendChild(button);
  return () => model.off("msg:custom", onMessage);
}

export default { render };
