/**
 * One product in the back office (`#/admin/products/:id`, `new` for a new one): name, description,
 * price, category, picture and whether it is on sale. Saving calls UpsertProduct; the storefront
 * shows the change once catalog has it (the product page reads it back).
 */
import { create } from "@bufbuild/protobuf";
import { type Product, ProductSchema } from "@shop/schemas/catalog/v1/catalog";
import { MoneySchema } from "@shop/schemas/common/v1/money";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { navigate, type Page } from "../router.ts";
import { errorBox, flash, loading, productArt } from "../ui.ts";
import { minorText, parseMinor } from "./money-input.ts";
import { adminShell, field } from "./shell.ts";

/** The product form of the back office. */
export const adminProductPage: Page = async (main, { params, signal }) => {
  const isNew = params.id === "new";
  const here = `/admin/products/${encodeURIComponent(params.id ?? "")}`;
  if (!adminShell(main, here, isNew ? "New product" : "Edit product")) return;
  const area = h("div", {}, loading());
  main.append(area);
  let product: Product;
  try {
    product = isNew
      ? create(ProductSchema, { price: { amountMinor: 0n, currency: "EUR" }, active: true })
      : ((await api.catalog.getProduct({ id: params.id ?? "" }, { signal })).product ??
        create(ProductSchema));
  } catch (error) {
    if (!signal.aborted) replace(area, errorBox(error));
    return;
  }
  replace(area, productForm(product));
};

function productForm(product: Product): HTMLElement {
  const currency = product.price?.currency || "EUR";
  const name = h("input", { required: true, value: product.name });
  const description = h("textarea", { rows: 3 }, product.description);
  const price = h("input", {
    required: true,
    inputmode: "decimal",
    value: minorText(product.price?.amountMinor ?? 0n),
  });
  const category = h("input", { required: true, value: product.category });
  // Text, not url: the shop's own pictures are paths on this origin (`/images/<sha256>`).
  const imageUrl = h("input", { value: product.imageUrl });
  const picture = h("input", { type: "file", accept: "image/png,image/jpeg,image/webp" });
  const preview = h("div", { class: "image-preview" }, productArt(product, "large"));
  const problem = h("div");
  const submit = h("button", { type: "submit" }, "Save product");
  const showPicture = () =>
    replace(
      preview,
      productArt(
        { ...product, name: name.value, category: category.value, imageUrl: imageUrl.value },
        "large",
      ),
    );
  imageUrl.addEventListener("change", showPicture);
  picture.addEventListener("change", async () => {
    const file = picture.files?.[0];
    if (!file) return;
    problem.replaceChildren();
    try {
      imageUrl.value = await uploadImage(product.id, file);
      product.imageUrl = imageUrl.value;
      flash("The picture is stored.");
      showPicture();
    } catch (error) {
      replace(problem, errorBox(error));
    }
  });

  const save = async (changes: Partial<Product>, done: string) => {
    problem.replaceChildren();
    const amount = parseMinor(price.value);
    if (amount === undefined) {
      replace(problem, h("p", { class: "error", role: "alert" }, "The price is not an amount (like 12.50)."));
      return;
    }
    submit.disabled = true;
    try {
      const next = create(ProductSchema, {
        ...product,
        name: name.value.trim(),
        description: description.value.trim(),
        price: create(MoneySchema, { amountMinor: amount, currency }),
        category: category.value.trim(),
        imageUrl: imageUrl.value.trim(),
        ...changes,
      });
      const saved = (await api.catalog.upsertProduct({ product: next })).product;
      if (!saved) return;
      // A new product has no picture yet: its own page is where one is uploaded.
      if (!product.id) {
        flash(`${saved.name} is created: add its picture here.`);
        navigate(`/admin/products/${encodeURIComponent(saved.id)}`);
        return;
      }
      flash(done);
      navigate(`/admin/products?q=${encodeURIComponent(saved.name)}`);
    } catch (error) {
      replace(problem, errorBox(error));
    } finally {
      submit.disabled = false;
    }
  };

  return h(
    "form",
    {
      class: "panel stack admin-form",
      onsubmit: (event: Event) => {
        event.preventDefault();
        void save({}, `${name.value.trim()} is saved.`);
      },
    },
    field("Name", name),
    field("Description", description),
    field(`Price (${currency})`, price),
    field("Category", category),
    preview,
    product.id && field("Picture", picture, "PNG, JPEG or WebP, at most 2 MiB; stored by the shop at once."),
    field("Picture address", imageUrl),
    h("p", { class: "muted small" }, product.active ? "On sale." : "Inactive: hidden from the storefront."),
    problem,
    h(
      "div",
      { class: "row" },
      submit,
      product.id &&
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: () =>
              void save(
                { active: !product.active },
                product.active
                  ? `${product.name} is no longer on sale.`
                  : `${product.name} is on sale again.`,
              ),
          },
          product.active ? "Deactivate" : "Put back on sale",
        ),
    ),
  );
}

/** Stores `file` as the picture of `productId` at the shop and returns its address. */
async function uploadImage(productId: string, file: File): Promise<string> {
  const content = new Uint8Array(await file.arrayBuffer());
  const { product } = await api.catalog.uploadProductImage({
    productId,
    contentType: file.type,
    content,
  });
  return product?.imageUrl ?? "";
}
