/* A small, local renderer of the OpenAPI document: operations, parameters, bodies, responses. */
(function () {
  "use strict";
  var box = document.getElementById("api-docs");
  if (!box) { return; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function resolve(spec, schema) {
    if (schema && schema.$ref) {
      var name = schema.$ref.split("/").pop();
      return { name: name, schema: spec.components.schemas[name] || spec.components.responses[name] };
    }
    return { name: "", schema: schema };
  }
  fetch(box.dataset.spec, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (spec) {
      box.textContent = "";
      box.appendChild(el("p", "", spec.info.description));
      Object.keys(spec.paths).forEach(function (path) {
        var item = spec.paths[path];
        Object.keys(item).forEach(function (method) {
          var op = item[method];
          var sec = el("section", "api-op");
          var h = el("h3");
          h.appendChild(el("code", "method", method));
          h.appendChild(el("code", "", path));
          sec.appendChild(h);
          sec.appendChild(el("p", "", op.summary));
          if (op.parameters && op.parameters.length) {
            var ul = el("ul");
            op.parameters.forEach(function (p) {
              ul.appendChild(el("li", "", p.name + " (" + p.in + (p.required ? ", wajib" : "") + ")" +
                                (p.description ? ": " + p.description : "")));
            });
            sec.appendChild(ul);
          }
          if (op.requestBody) {
            var body = resolve(spec, op.requestBody.content["application/json"].schema);
            sec.appendChild(el("p", "", "Body: " + body.name));
            sec.appendChild(el("pre", "schema", JSON.stringify(body.schema, null, 1)));
          }
          var codes = Object.keys(op.responses).map(function (c) {
            var r = resolve(spec, op.responses[c]);
            return c + " " + (r.schema && r.schema.description ? r.schema.description : "");
          });
          sec.appendChild(el("p", "muted", codes.join(" · ")));
          box.appendChild(sec);
        });
      });
    });
})();
